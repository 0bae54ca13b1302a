# SPDX-License-Identifier: MIT
# Settings every CXR Studio target links through `cxr::common`: warnings and
# the Qt keyword guard. Kept off the global CMAKE_CXX_FLAGS on purpose.

add_library(cxr_common INTERFACE)
add_library(cxr::common ALIAS cxr_common)

target_compile_options(cxr_common INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(CXR_WARNINGS_AS_ERRORS)
    target_compile_options(cxr_common INTERFACE -Werror)
endif()

# Qt's `slots`/`signals`/`emit` macros collide with LibTorch identifiers
# (pytorch/pytorch#19405): the whole project writes Q_SIGNALS / Q_SLOTS / Q_EMIT.
target_compile_definitions(cxr_common INTERFACE QT_NO_KEYWORDS)

# Sanitizers for the whole build, e.g. -DCXR_SANITIZE=address,undefined.
set(CXR_SANITIZE "" CACHE STRING "Sanitizers to build with (address,undefined,...)")
if(CXR_SANITIZE)
    target_compile_options(cxr_common INTERFACE -fsanitize=${CXR_SANITIZE} -fno-omit-frame-pointer
                                                -fno-sanitize-recover=undefined)
    target_link_options(cxr_common INTERFACE -fsanitize=${CXR_SANITIZE})
endif()
# Coverage instrumentation for libFuzzer (clang): the libraries are built
# with it, the fuzz targets add the fuzzer's main (tests/fuzz).
if(CXR_FUZZ)
    target_compile_options(cxr_common INTERFACE -fsanitize=fuzzer-no-link)
endif()

# ccache, when present, makes the 2-core CI rebuild cheap.
find_program(CXR_CCACHE ccache)
if(CXR_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${CXR_CCACHE}")
endif()
