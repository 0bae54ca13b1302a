// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace cxr {

// Base of every failure CXR Studio reports. what() is a complete sentence a
// user can read: it names the file (when there is one) and the problem.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// An image could not be read or decoded: missing, unreadable, truncated,
// unsupported, or too large to decode safely.
class ImageLoadError : public Error {
  public:
    ImageLoadError(const std::filesystem::path &file, const std::string &reason);
    const std::filesystem::path &file() const { return m_file; }
    const std::string &reason() const { return m_reason; }

  private:
    std::filesystem::path m_file;
    std::string m_reason;
};

// A dataset file or folder does not have the expected shape. line is 1-based
// (0 when the problem is not tied to a line); column is a header name or empty.
class DatasetFormatError : public Error {
  public:
    DatasetFormatError(const std::filesystem::path &file,
                       const std::string &reason,
                       std::size_t line = 0,
                       const std::string &column = {});
    const std::filesystem::path &file() const { return m_file; }
    std::size_t line() const { return m_line; }
    const std::string &column() const { return m_column; }
    const std::string &reason() const { return m_reason; }

  private:
    std::filesystem::path m_file;
    std::string m_reason;
    std::size_t m_line;
    std::string m_column;
};

// A model, checkpoint or weights file is unusable or does not fit the task.
class ModelError : public Error {
  public:
    using Error::Error;
};

// The user asked to stop. Not an error: callers rethrow it untouched and the
// UI shows "cancelled", never an error dialog.
class Cancelled : public std::exception {
  public:
    const char *what() const noexcept override { return "cancelled"; }
};

} // namespace cxr
