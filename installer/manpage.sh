#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes a man page from a program's own --help, so the page cannot drift from
# the program. For `cxr`, each verb's --help becomes a subsection of COMMANDS.
# Usage: installer/manpage.sh PROGRAM VERSION OUT.1
# Needs help2man. Run by the build (installer/CMakeLists.txt).
set -euo pipefail
program=${1:?program} version=${2:?version} out=${3:?output file}
name=$(basename "$program")
# Called by name from PATH, so usage lines read "cxr ...", not the build path.
PATH="$(cd "$(dirname "$program")" && pwd):$PATH"
program=$name
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# cxr-studio builds its QApplication before reading arguments: no display needed.
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$work"

include="$work/include.h2m"
{
    echo "[DESCRIPTION]"
    if [ "$name" = cxr ]; then
        echo "cxr is the command-line twin of CXR Studio: it reads chest X-ray datasets, trains"
        echo "and evaluates ResNet50 and DenseNet121 classifiers and explains their predictions."
        echo "Every verb prints its own options with \\fBcxr\\fR \\fIVERB\\fR \\fB--help\\fR."
    else
        echo "CXR Studio is a desktop application for training and explaining chest X-ray"
        echo "classifiers. Its command-line twin is \\fBcxr\\fR(1)."
    fi
    echo ".PP"
    echo "Research and teaching software: not for clinical use. Nothing it shows is a"
    echo "diagnosis."
    if [ "$name" = cxr ]; then
        echo "[COMMANDS]"
        # Verbs are the lines under "Subcommands:" in the top-level help.
        "$program" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}' |
            while read -r verb; do
                echo ".SS \"cxr $verb\""
                echo ".nf"
                "$program" "$verb" --help | sed 's/\\/\\e/g; s/^\./\\\&./; s/^'"'"'/\\\&'"'"'/'
                echo ".fi"
            done
    fi
    echo "[FILES]"
    echo ".TP"
    echo ".I ~/.cache/cxr-studio/"
    echo "downloaded weights, the demo dataset, thumbnails (XDG_CACHE_HOME is honoured)"
    echo ".TP"
    echo ".I ~/.local/share/cxr-studio/runs/"
    echo "training runs started from the desktop application (XDG_DATA_HOME is honoured)"
    echo "[SEE ALSO]"
    if [ "$name" = cxr ]; then echo "\\fBcxr-studio\\fR(1)"; else echo "\\fBcxr\\fR(1)"; fi
} >"$include"

help2man --no-info --no-discard-stderr --version-string="$version" --section=1 \
    --name="$( [ "$name" = cxr ] && echo "train and explain chest X-ray classifiers (command line)" ||
        echo "train and explain chest X-ray classifiers (desktop application)")" \
    --include="$include" --output="$work/$name.1" "$program"
mv "$work/$name.1" "$out"
