// SPDX-License-Identifier: MIT
#include "support/test_support.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sys/wait.h>
#include <zlib.h>

namespace cxr::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    std::random_device device;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path candidate =
            fs::temp_directory_path() / ("cxr-test-" + std::to_string(device()));
        if (fs::create_directory(candidate)) {
            m_path = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
    std::error_code error;
    // Tests may remove permissions to provoke errors; restore them first.
    for (auto it = fs::recursive_directory_iterator(m_path, error);
         !error && it != fs::recursive_directory_iterator();
         it.increment(error))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, error);
    fs::remove_all(m_path, error);
}

void writeFile(const fs::path &file, const std::string &bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error("cannot write " + file.string());
}

std::size_t countOf(const std::string &text, const std::string &what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

std::string readFile(const fs::path &file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeImage(const fs::path &file, const cv::Mat &image) {
    fs::create_directories(file.parent_path());
    if (!cv::imwrite(file.string(), image))
        throw std::runtime_error("cannot write " + file.string());
}

void burnInText(cv::Mat &film, const std::string &text, double x, double y, double height) {
    // FONT_HERSHEY_SIMPLEX capitals are about 22 pixels high at scale 1.
    const double scale = height * film.rows / 22.0;
    cv::putText(film,
                text,
                cv::Point(static_cast<int>(x * film.cols), static_cast<int>(y * film.rows)),
                cv::FONT_HERSHEY_SIMPLEX,
                scale,
                cv::Scalar(255),
                std::max(1, static_cast<int>(scale * 2)));
}

cv::Mat gradientImage(int width, int height, int type) {
    cv::Mat image(height, width, type);
    const double top = (CV_MAT_DEPTH(type) == CV_16U) ? 65535.0 : 255.0;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double v = top * (x + y) / std::max(1, width + height - 2);
            if (image.channels() == 1) {
                if (CV_MAT_DEPTH(type) == CV_16U)
                    image.at<std::uint16_t>(y, x) = static_cast<std::uint16_t>(v);
                else
                    image.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(v);
            } else {
                auto *p = image.ptr<std::uint8_t>(y) + x * image.channels();
                for (int c = 0; c < image.channels(); ++c)
                    p[c] = static_cast<std::uint8_t>(c == 3 ? 255 : v);
            }
        }
    return image;
}

std::string pngChunk(const std::string &type, const std::string &data) {
    auto be32 = [](std::uint32_t v) {
        return std::string{static_cast<char>(v >> 24),
                           static_cast<char>(v >> 16),
                           static_cast<char>(v >> 8),
                           static_cast<char>(v)};
    };
    const std::string body = type + data;
    const auto crc = static_cast<std::uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef *>(body.data()), static_cast<uInt>(body.size())));
    return be32(static_cast<std::uint32_t>(data.size())) + body + be32(crc);
}

std::string pngBytes(std::uint32_t width,
                     std::uint32_t height,
                     int bitDepth,
                     int colourType,
                     const std::string &raw,
                     const std::string &extraChunks) {
    auto be32 = [](std::uint32_t v) {
        return std::string{static_cast<char>(v >> 24),
                           static_cast<char>(v >> 16),
                           static_cast<char>(v >> 8),
                           static_cast<char>(v)};
    };
    const std::string ihdr = be32(width) + be32(height) + static_cast<char>(bitDepth) +
                             static_cast<char>(colourType) + std::string(3, '\0');
    uLongf compressedSize = compressBound(static_cast<uLong>(raw.size()));
    std::string compressed(compressedSize, '\0');
    compress(reinterpret_cast<Bytef *>(compressed.data()),
             &compressedSize,
             reinterpret_cast<const Bytef *>(raw.data()),
             static_cast<uLong>(raw.size()));
    compressed.resize(compressedSize);
    return std::string("\x89PNG\r\n\x1A\n", 8) + pngChunk("IHDR", ihdr) + extraChunks +
           pngChunk("IDAT", compressed) + pngChunk("IEND", "");
}

fs::path sharedData() { return fs::path(CXR_SHARED_DATA_DIR); }

namespace {
constexpr const char *kPython = "/usr/bin/python3";

std::string shellQuote(const std::string &arg) {
    std::string q = "'";
    for (char c : arg)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}
} // namespace

int runTorchReference(const std::vector<std::string> &args, std::string *output) {
    std::string command = std::string(kPython) + " " + shellQuote(CXR_TORCH_REFERENCE_SCRIPT);
    for (const auto &arg : args)
        command += " " + shellQuote(arg);
    FILE *pipe = popen(command.c_str(), "r");
    if (!pipe)
        return -1;
    char buffer[4096];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
        if (output)
            output->append(buffer, n);
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string torchReferenceUnavailable() {
    static const std::string why = [] {
        const std::string probe =
            std::string(kPython) + " -c 'import torch, torchvision' >/dev/null 2>&1";
        if (std::system(probe.c_str()) != 0)
            return std::string("the PyTorch reference (") + kPython +
                   " with python3-torchvision) is not installed; installer/install-deps.sh "
                   "installs it";
        return std::string();
    }();
    return why;
}

std::vector<float> readFloats(const fs::path &file) {
    const std::string bytes = readFile(file);
    std::vector<float> values(bytes.size() / sizeof(float));
    std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
    return values;
}

} // namespace cxr::test
