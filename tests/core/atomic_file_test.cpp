// SPDX-License-Identifier: MIT
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <sys/mount.h>

#include "atomic_file.h"
#include "errors.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

std::size_t entries(const fs::path &dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir))
        ++n;
    return n;
}

// Mounts a 1 MiB tmpfs at `folder` (created) to stand for a full disk.
// Returns why it could not (it needs root and mount rights), or "".
std::string mountSmallDisk(const fs::path &folder) {
    fs::create_directory(folder);
    if (mount("tmpfs", folder.c_str(), "tmpfs", 0, "size=1m") != 0)
        return std::string("cannot mount a 1 MiB tmpfs here (needs root and mount rights): ") +
               std::strerror(errno);
    return "";
}

TEST(AtomicFile, ReplacesWholeOrNotAtAll) {
    test::TempDir dir;
    writeFileAtomically(dir / "f", "first");
    writeFileAtomically(dir / "f", "second version");
    EXPECT_EQ(test::readFile(dir / "f"), "second version");
    EXPECT_EQ(entries(dir.path()), 1u); // no temporary file left
    EXPECT_THROW(writeFileAtomically(dir / "missing" / "f", "x"), Error);
}

// A full disk: a 1 MiB tmpfs. Writing 2 MiB fails with a message naming the
// file; the earlier version stays intact and no temporary file is left.
TEST(AtomicFile, DiskFullKeepsThePreviousFile) {
    test::TempDir dir;
    const fs::path small = dir / "small";
    if (const std::string why = mountSmallDisk(small); !why.empty())
        GTEST_SKIP() << why;
    writeFileAtomically(small / "model.pt", "the good checkpoint");
    try {
        writeFileAtomically(small / "model.pt", std::string(2 << 20, 'x'));
        ADD_FAILURE() << "expected Error";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("model.pt"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
    }
    EXPECT_EQ(test::readFile(small / "model.pt"), "the good checkpoint");
    EXPECT_EQ(entries(small), 1u);
    umount(small.c_str());
}

// A file written in pieces: the pieces in order; a disk that fills up
// halfway or a producer that fails keeps the previous file and leaves no
// temporary one.
TEST(AtomicFile, PiecesStreamToTheFileOrNotAtAll) {
    test::TempDir dir;
    writeFileAtomically(dir / "f", [](const ByteSink &sink) {
        for (const char *piece : {"one ", "two ", "three"})
            sink(piece, std::strlen(piece));
    });
    EXPECT_EQ(test::readFile(dir / "f"), "one two three");
    EXPECT_THROW(writeFileAtomically(dir / "f",
                                     [](const ByteSink &sink) {
                                         sink("half", 4);
                                         throw std::runtime_error("the producer failed");
                                     }),
                 std::runtime_error);
    EXPECT_EQ(test::readFile(dir / "f"), "one two three");
    EXPECT_EQ(entries(dir.path()), 1u);

    const fs::path small = dir / "small";
    if (const std::string why = mountSmallDisk(small); !why.empty())
        GTEST_SKIP() << why;
    writeFileAtomically(small / "model.pt", "the good checkpoint");
    const std::string piece(256 << 10, 'x');
    int pieces = 0;
    try {
        writeFileAtomically(small / "model.pt", [&](const ByteSink &sink) {
            for (int i = 0; i < 8; ++i, ++pieces)
                sink(piece.data(), piece.size()); // 2 MiB in all; the sink does not throw
        });
        ADD_FAILURE() << "expected Error";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
    }
    EXPECT_EQ(pieces, 8);
    EXPECT_EQ(test::readFile(small / "model.pt"), "the good checkpoint");
    EXPECT_EQ(entries(small), 1u);
    umount(small.c_str());
}

} // namespace
} // namespace cxr
