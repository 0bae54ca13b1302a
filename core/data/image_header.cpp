// SPDX-License-Identifier: MIT
#include "data/image_header.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <optional>

#include "data/dicom_decode.h"
#include "errors.h"

namespace cxr {
namespace {

// Random access to a file's bytes, either in memory or through a stream, so
// one parser serves the scan (which reads only a header) and the decoder
// (which holds the whole file).
class ByteSource {
  public:
    explicit ByteSource(const std::string &bytes) : m_bytes(&bytes), m_size(bytes.size()) {}
    ByteSource(std::ifstream &stream, std::uint64_t size) : m_stream(&stream), m_size(size) {}

    std::uint64_t size() const { return m_size; }
    // The whole file when it is held in memory, else nullptr.
    const std::string *bytes() const { return m_bytes; }

    // Fills `out` with n bytes at offset; false when the file is shorter.
    bool read(std::uint64_t offset, std::size_t n, std::string &out) const {
        if (offset > m_size || n > m_size - offset)
            return false;
        if (m_bytes) {
            out.assign(*m_bytes, static_cast<std::size_t>(offset), n);
            return true;
        }
        out.resize(n);
        m_stream->clear();
        m_stream->seekg(static_cast<std::streamoff>(offset));
        return static_cast<bool>(m_stream->read(out.data(), static_cast<std::streamsize>(n)));
    }

  private:
    const std::string *m_bytes = nullptr;
    std::ifstream *m_stream = nullptr;
    std::uint64_t m_size = 0;
};

std::uint32_t bigEndian(const std::string &b, std::size_t at, int bytes) {
    std::uint32_t value = 0;
    for (int i = 0; i < bytes; ++i)
        value = (value << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
    return value;
}

std::uint32_t littleEndian(const std::string &b, std::size_t at, int bytes) {
    std::uint32_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
    return value;
}

[[noreturn]] void fail(const std::filesystem::path &file, const std::string &reason) {
    throw ImageLoadError(file, reason);
}

const std::string kTruncated = "the file is truncated (it ends before the image data is complete)";

ImageHeader parsePng(const ByteSource &src, const std::filesystem::path &file) {
    // Signature (8) + IHDR length/type (8) + width, height, depth, colour type.
    std::string head;
    if (!src.read(0, 26, head) || head.compare(12, 4, "IHDR") != 0)
        fail(file, kTruncated);
    ImageHeader header{ImageFormat::Png};
    header.width = static_cast<int>(std::min<std::uint32_t>(bigEndian(head, 16, 4), INT32_MAX));
    header.height = static_cast<int>(std::min<std::uint32_t>(bigEndian(head, 20, 4), INT32_MAX));
    header.bitDepth = static_cast<unsigned char>(head[24]);
    switch (static_cast<unsigned char>(head[25])) {
    case 0:
        header.channels = 1;
        break;
    case 4:
        header.channels = 2;
        break;
    case 2:
    case 3: // palette entries are RGB
        header.channels = 3;
        break;
    case 6:
        header.channels = 4;
        break;
    default:
        fail(file, "the PNG header names an unknown colour type");
    }
    // Every complete PNG ends with an empty IEND chunk and its fixed CRC.
    std::string tail;
    if (src.size() < 12 || !src.read(src.size() - 12, 12, tail) ||
        tail != std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12))
        fail(file, kTruncated);
    return header;
}

ImageHeader parseJpeg(const ByteSource &src, const std::filesystem::path &file) {
    // Walk the marker segments after SOI until a start-of-frame marker.
    std::uint64_t offset = 2;
    std::string segment;
    std::optional<ImageHeader> header;
    while (!header) {
        if (!src.read(offset, 4, segment))
            fail(file, kTruncated);
        if (static_cast<unsigned char>(segment[0]) != 0xFF)
            fail(file, "the JPEG header is corrupt (no marker where one must be)");
        const unsigned marker = static_cast<unsigned char>(segment[1]);
        if (marker == 0xFF) { // fill byte
            ++offset;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA)
            fail(file, "the JPEG has no frame header before its image data");
        const std::uint32_t length = bigEndian(segment, 2, 2);
        if (length < 2)
            fail(file,
                 "the JPEG header is corrupt (a segment has length " + std::to_string(length) +
                     ")");
        const bool startOfFrame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (startOfFrame) {
            if (!src.read(offset + 4, 6, segment))
                fail(file, kTruncated);
            header = ImageHeader{ImageFormat::Jpeg};
            header->bitDepth = static_cast<unsigned char>(segment[0]);
            header->height = static_cast<int>(bigEndian(segment, 1, 2));
            header->width = static_cast<int>(bigEndian(segment, 3, 2));
            header->channels = static_cast<unsigned char>(segment[5]);
        }
        offset += 2 + length;
    }
    // A complete JPEG ends with the EOI marker; some writers pad after it, so
    // look in the last kilobyte. 0xFFD9 cannot occur inside entropy-coded
    // data (0xFF is always stuffed there), so finding it is conclusive.
    const std::uint64_t tailSize = std::min<std::uint64_t>(src.size(), 1024);
    std::string tail;
    src.read(src.size() - tailSize, static_cast<std::size_t>(tailSize), tail);
    if (tail.find("\xFF\xD9") == std::string::npos)
        fail(file, kTruncated);
    return *header;
}

ImageHeader parseBmp(const ByteSource &src, const std::filesystem::path &file) {
    // BITMAPFILEHEADER (14 bytes) + the BITMAPINFOHEADER fields up to compression.
    std::string head;
    if (!src.read(0, 34, head))
        fail(file, kTruncated);
    const auto width = static_cast<std::int32_t>(littleEndian(head, 18, 4));
    const auto height = static_cast<std::int32_t>(littleEndian(head, 22, 4));
    const int bitsPerPixel = static_cast<int>(littleEndian(head, 28, 2));
    if (width <= 0 || height == 0 || height == INT32_MIN || bitsPerPixel == 0)
        fail(file, "the BMP header is corrupt");
    ImageHeader header{ImageFormat::Bmp};
    header.width = width;
    header.height = height < 0 ? -height : height; // negative: rows stored top-down
    header.channels = bitsPerPixel >= 24 ? bitsPerPixel / 8 : 3;
    header.bitDepth = bitsPerPixel >= 24 ? 8 : bitsPerPixel;
    // Uncompressed rows are padded to 4 bytes; the file must hold all of them.
    const bool uncompressed = littleEndian(head, 30, 4) == 0;
    const std::uint64_t pixelOffset = littleEndian(head, 10, 4);
    const std::uint64_t rowBytes =
        ((static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(bitsPerPixel) + 31) / 32) *
        4;
    if (uncompressed &&
        pixelOffset + rowBytes * static_cast<std::uint64_t>(header.height) > src.size())
        fail(file, kTruncated);
    return header;
}

ImageHeader parseTiff(const ByteSource &src, const std::filesystem::path &file) {
    std::string head;
    if (!src.read(0, 8, head))
        fail(file, kTruncated);
    const bool little = head[0] == 'I';
    auto number = [little](const std::string &b, std::size_t at, int bytes) {
        return little ? littleEndian(b, at, bytes) : bigEndian(b, at, bytes);
    };
    const std::uint64_t ifd = number(head, 4, 4);
    std::string countBytes;
    if (!src.read(ifd, 2, countBytes))
        fail(file, kTruncated);
    const std::uint32_t entries = number(countBytes, 0, 2);
    std::string table;
    if (!src.read(ifd + 2, static_cast<std::size_t>(entries) * 12, table))
        fail(file, kTruncated);
    ImageHeader header{ImageFormat::Tiff};
    header.channels = 1;
    header.bitDepth = 1;
    for (std::uint32_t i = 0; i < entries; ++i) {
        const std::size_t at = static_cast<std::size_t>(i) * 12;
        const std::uint32_t tag = number(table, at, 2);
        const std::uint32_t type = number(table, at + 2, 2);
        // SHORT values sit in the first two bytes of the value field.
        const std::uint32_t value = type == 3 ? number(table, at + 8, 2) : number(table, at + 8, 4);
        if (tag == 256)
            header.width = static_cast<int>(std::min<std::uint32_t>(value, INT32_MAX));
        else if (tag == 257)
            header.height = static_cast<int>(std::min<std::uint32_t>(value, INT32_MAX));
        else if (tag == 258 && number(table, at + 4, 4) == 1)
            header.bitDepth = static_cast<int>(value);
        else if (tag == 258)
            header.bitDepth = 8; // per-sample list stored elsewhere; 8 is all but universal
        else if (tag == 277)
            header.channels = static_cast<int>(value);
    }
    return header;
}

bool startsWith(const std::string &head, const char *magic, std::size_t n) {
    return head.size() >= n && head.compare(0, n, std::string(magic, n)) == 0;
}

bool hasDicomExtension(const std::filesystem::path &file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return ext == ".dcm" || ext == ".dicom";
}

ImageHeader parse(const ByteSource &src, const std::filesystem::path &file) {
    if (src.size() == 0)
        fail(file, "the file is empty (0 bytes)");
    std::string head;
    src.read(0, static_cast<std::size_t>(std::min<std::uint64_t>(src.size(), 132)), head);

    ImageHeader header;
    if (startsWith(head, "\x89PNG\r\n\x1A\n", 8))
        header = parsePng(src, file);
    else if (startsWith(head, "\xFF\xD8\xFF", 3))
        header = parseJpeg(src, file);
    else if (startsWith(head, "BM", 2))
        header = parseBmp(src, file);
    else if (startsWith(head, "II*\0", 4) || startsWith(head, "MM\0*", 4))
        header = parseTiff(src, file);
    else if ((head.size() >= 132 && head.compare(128, 4, "DICM") == 0) || hasDicomExtension(file))
        header = src.bytes() ? parseDicomHeader(*src.bytes(), file) : readDicomHeader(file);
    else
        fail(file,
             "the file is not a PNG, JPEG, BMP, TIFF or DICOM image (its first bytes match "
             "none of them)");

    if (header.width <= 0 || header.height <= 0)
        fail(file,
             "the header gives an empty size (" + std::to_string(header.width) + " x " +
                 std::to_string(header.height) + ")");
    const std::int64_t pixels = static_cast<std::int64_t>(header.width) * header.height;
    if (pixels > kMaxImagePixels)
        fail(file,
             "the header claims " + std::to_string(header.width) + " x " +
                 std::to_string(header.height) + " pixels, above the safety limit of " +
                 std::to_string(kMaxImagePixels / 1'000'000) +
                 " megapixels; refusing to decode it");
    return header;
}

} // namespace

bool looksLikeDicom(const std::string &bytes, const std::filesystem::path &file) {
    return (bytes.size() >= 132 && bytes.compare(128, 4, "DICM") == 0) || hasDicomExtension(file);
}

const char *imageFormatName(ImageFormat format) {
    switch (format) {
    case ImageFormat::Png:
        return "PNG";
    case ImageFormat::Jpeg:
        return "JPEG";
    case ImageFormat::Bmp:
        return "BMP";
    case ImageFormat::Tiff:
        return "TIFF";
    case ImageFormat::Dicom:
        break;
    }
    return "DICOM";
}

bool hasImageExtension(const std::filesystem::path &file) {
    static const std::array<const char *, 8> kExtensions = {
        ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".dcm", ".dicom"};
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

ImageHeader readImageHeader(const std::filesystem::path &file) {
    std::error_code error;
    const auto status = std::filesystem::status(file, error);
    if (error || !std::filesystem::exists(status))
        fail(file, "the file does not exist");
    if (std::filesystem::is_directory(status))
        fail(file, "it is a folder, not an image file");
    const auto size = std::filesystem::file_size(file, error);
    if (error)
        fail(file, error.message());
    std::ifstream stream(file, std::ios::binary);
    if (!stream)
        fail(file, "the file cannot be opened for reading (check its permissions)");
    return parse(ByteSource(stream, size), file);
}

ImageHeader parseImageHeader(const std::string &bytes, const std::filesystem::path &file) {
    return parse(ByteSource(bytes), file);
}

} // namespace cxr
