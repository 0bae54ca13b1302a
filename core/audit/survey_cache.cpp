// SPDX-License-Identifier: MIT
#include "audit/survey_cache.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "atomic_file.h"
#include "errors.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

constexpr char kMagic[8] = {'C', 'X', 'R', 'A', 'U', 'D', '2', '\n'};
constexpr std::uint32_t kMaxString = 1 << 16;

class Writer {
  public:
    template <typename T> void value(const T &v) {
        m_out.append(reinterpret_cast<const char *>(&v), sizeof v);
    }
    void text(const std::string &s) {
        value(static_cast<std::uint32_t>(s.size()));
        m_out += s;
    }
    void floats(const std::vector<float> &v) {
        value(static_cast<std::uint32_t>(v.size()));
        m_out.append(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(float));
    }
    // 8-bit values scaled to the largest magnitude, and that scale.
    void quantised(const std::vector<float> &v) {
        float scale = 0;
        for (float x : v)
            scale = std::max(scale, std::abs(x));
        value(scale);
        value(static_cast<std::uint32_t>(v.size()));
        for (float x : v)
            value(static_cast<std::int8_t>(scale > 0 ? std::lround(x / scale * 127.0f) : 0));
    }
    const std::string &bytes() const { return m_out; }

  private:
    std::string m_out;
};

// Reads what Writer wrote; any overrun sets `failed` and yields zeros.
class Reader {
  public:
    explicit Reader(const std::string &bytes) : m_in(bytes) {}
    template <typename T> T value() {
        T v{};
        if (m_at + sizeof v > m_in.size()) {
            failed = true;
            return v;
        }
        std::memcpy(&v, m_in.data() + m_at, sizeof v);
        m_at += sizeof v;
        return v;
    }
    std::string text() {
        const auto n = value<std::uint32_t>();
        if (n > kMaxString || m_at + n > m_in.size()) {
            failed = true;
            return {};
        }
        std::string s = m_in.substr(m_at, n);
        m_at += n;
        return s;
    }
    std::vector<float> floats(std::size_t expected) {
        const auto n = value<std::uint32_t>();
        if (n != expected || m_at + n * sizeof(float) > m_in.size()) {
            failed = true;
            return {};
        }
        std::vector<float> v(n);
        std::memcpy(v.data(), m_in.data() + m_at, n * sizeof(float));
        m_at += n * sizeof(float);
        return v;
    }
    std::vector<float> quantised(std::size_t expected) {
        const auto scale = value<float>();
        const auto n = value<std::uint32_t>();
        if (n != expected || m_at + n > m_in.size() || !std::isfinite(scale)) {
            failed = true;
            return {};
        }
        std::vector<float> v(n);
        for (std::uint32_t i = 0; i < n; ++i)
            v[i] = static_cast<float>(static_cast<std::int8_t>(m_in[m_at + i])) * scale / 127.0f;
        m_at += n;
        return v;
    }
    bool atEnd() const { return m_at == m_in.size(); }
    bool failed = false;

  private:
    const std::string &m_in;
    std::size_t m_at = 0;
};

void writeSurvey(Writer &w, const ImageSurvey &s) {
    w.value(s.exact);
    w.text(s.format);
    for (int v : {s.width, s.height, s.bitDepth, s.channels, s.textMarks})
        w.value(static_cast<std::int32_t>(v));
    for (double v : {s.meanIntensity, s.intensitySpread, s.borderFraction})
        w.value(v);
    w.floats(s.thumbnail);
    w.floats(s.histogram);
    w.quantised(s.detail);
}

ImageSurvey readSurvey(Reader &r) {
    ImageSurvey s;
    s.exact = r.value<std::uint64_t>();
    s.format = r.text();
    s.width = r.value<std::int32_t>();
    s.height = r.value<std::int32_t>();
    s.bitDepth = r.value<std::int32_t>();
    s.channels = r.value<std::int32_t>();
    s.textMarks = r.value<std::int32_t>();
    s.meanIntensity = r.value<double>();
    s.intensitySpread = r.value<double>();
    s.borderFraction = r.value<double>();
    s.thumbnail = r.floats(static_cast<std::size_t>(kThumbnailSide * kThumbnailSide));
    s.histogram = r.floats(static_cast<std::size_t>(kSurveyHistogramBins));
    s.detail = r.quantised(static_cast<std::size_t>(kDetailScales * kDetailLength));
    return s;
}

} // namespace

fs::path SurveyCache::defaultFolder() {
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return fs::path(xdg) / "cxr-studio" / "audit";
    if (const char *home = std::getenv("HOME"); home && *home)
        return fs::path(home) / ".cache" / "cxr-studio" / "audit";
    return fs::temp_directory_path() / "cxr-studio" / "audit";
}

std::optional<std::pair<std::uintmax_t, std::int64_t>> SurveyCache::stamp(const fs::path &image) {
    std::error_code error;
    const auto bytes = fs::file_size(image, error);
    if (error)
        return std::nullopt;
    const auto modified = fs::last_write_time(image, error);
    if (error)
        return std::nullopt;
    return std::pair{bytes, static_cast<std::int64_t>(modified.time_since_epoch().count())};
}

SurveyCache::SurveyCache(fs::path folder, const fs::path &datasetRoot) {
    std::error_code error;
    const fs::path root = fs::weakly_canonical(fs::absolute(datasetRoot), error);
    std::ostringstream name;
    name << std::hex << std::hash<std::string>{}((error ? datasetRoot : root).string()) << ".bin";
    m_file = std::move(folder) / name.str();
    std::ifstream in(m_file, std::ios::binary);
    if (!in)
        return;
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return;
    const std::string body = bytes.substr(sizeof kMagic);
    Reader r(body);
    const auto count = r.value<std::uint32_t>();
    std::map<std::string, Entry> entries;
    for (std::uint32_t i = 0; i < count && !r.failed; ++i) {
        const std::string path = r.text();
        Entry e;
        e.bytes = r.value<std::uint64_t>();
        e.modified = r.value<std::int64_t>();
        e.survey = readSurvey(r);
        entries[path] = std::move(e);
    }
    if (!r.failed && r.atEnd())
        m_entries = std::move(entries);
}

std::optional<ImageSurvey> SurveyCache::find(const fs::path &image) const {
    const auto it = m_entries.find(image.string());
    if (it == m_entries.end())
        return std::nullopt;
    const auto now = stamp(image);
    if (!now || now->first != it->second.bytes || now->second != it->second.modified)
        return std::nullopt;
    return it->second.survey;
}

void SurveyCache::put(const fs::path &image, const ImageSurvey &survey) {
    const auto now = stamp(image);
    if (!now)
        return;
    m_entries[image.string()] = {now->first, now->second, survey};
}

void SurveyCache::save(const DatasetIndex &index) const {
    Writer w;
    std::uint32_t count = 0;
    for (const Sample &s : index.samples)
        count += m_entries.count(s.path.string()) ? 1 : 0;
    w.value(count);
    for (const Sample &s : index.samples) {
        const auto it = m_entries.find(s.path.string());
        if (it == m_entries.end())
            continue;
        w.text(it->first);
        w.value(static_cast<std::uint64_t>(it->second.bytes));
        w.value(it->second.modified);
        writeSurvey(w, it->second.survey);
    }
    std::error_code error;
    fs::create_directories(m_file.parent_path(), error);
    writeFileAtomically(m_file, std::string(kMagic, sizeof kMagic) + w.bytes());
}

} // namespace cxr
