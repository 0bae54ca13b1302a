// SPDX-License-Identifier: MIT
#include "errors.h"

namespace cxr {
namespace {

std::string quoted(const std::filesystem::path &file) { return "\"" + file.string() + "\""; }

std::string datasetMessage(const std::filesystem::path &file,
                           const std::string &reason,
                           std::size_t line,
                           const std::string &column) {
    std::string message = "could not read " + quoted(file);
    if (line > 0)
        message += ", line " + std::to_string(line);
    if (!column.empty())
        message += ", column \"" + column + "\"";
    return message + ": " + reason;
}

} // namespace

ImageLoadError::ImageLoadError(const std::filesystem::path &file, const std::string &reason)
    : Error("could not load image " + quoted(file) + ": " + reason), m_file(file),
      m_reason(reason) {}

DatasetFormatError::DatasetFormatError(const std::filesystem::path &file,
                                       const std::string &reason,
                                       std::size_t line,
                                       const std::string &column)
    : Error(datasetMessage(file, reason, line, column)), m_file(file), m_reason(reason),
      m_line(line), m_column(column) {}

} // namespace cxr
