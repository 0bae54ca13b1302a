// SPDX-License-Identifier: MIT
#include "atomic_file.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "errors.h"

namespace cxr {
namespace {

[[noreturn]] void fail(const std::filesystem::path &file, const std::string &what, int error) {
    throw Error("could not write \"" + file.string() + "\": " + what + ": " + std::strerror(error));
}

} // namespace

void writeFileAtomically(const std::filesystem::path &file, std::string_view bytes) {
    writeFileAtomically(file, [bytes](const ByteSink &sink) { sink(bytes.data(), bytes.size()); });
}

void writeFileAtomically(const std::filesystem::path &file,
                         const std::function<void(const ByteSink &)> &produce) {
    const std::filesystem::path temp =
        file.string() + ".tmp-" + std::to_string(static_cast<long>(getpid()));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(file, "cannot create a file in its folder", errno);
    int writeError = 0;
    const ByteSink sink = [fd, &writeError](const void *data, std::size_t size) {
        const char *bytes = static_cast<const char *>(data);
        for (std::size_t written = 0; written < size && writeError == 0;) {
            const ssize_t n = ::write(fd, bytes + written, size - written);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                writeError = n < 0 ? errno : ENOSPC;
            else
                written += static_cast<std::size_t>(n);
        }
    };
    try {
        produce(sink);
    } catch (...) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw;
    }
    if (writeError != 0) {
        ::close(fd);
        ::unlink(temp.c_str());
        fail(file, "writing failed", writeError);
    }
    // fsync before rename: otherwise a crash can leave the new name pointing
    // at a file whose data never reached the disk.
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(file, "flushing to disk failed", error);
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail(file, "renaming the finished file into place failed", error);
    }
}

} // namespace cxr
