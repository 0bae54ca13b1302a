// SPDX-License-Identifier: MIT
#include "data/phantoms.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "data/class_names.h"
#include "data/image_encode.h"
#include "data/transforms.h"
#include "errors.h"

namespace cxr {
namespace fs = std::filesystem;
namespace {

constexpr const char *kReadmeMarker = "CXR Studio phantom dataset";

// Deterministic random numbers from a seed (splitmix64 via mixSeed), so the
// same seed gives the same phantom with any standard library.
class Random {
  public:
    explicit Random(std::uint64_t seed) : m_state(seed) {}
    double uniform(double lo, double hi) {
        m_state = mixSeed(m_state, 0x5DEECE66DULL);
        return lo + (hi - lo) * static_cast<double>(m_state >> 11) * 0x1.0p-53;
    }
    bool chance(double p) { return uniform(0, 1) < p; }
    int integer(int lo, int hi) { return static_cast<int>(std::floor(uniform(lo, hi + 1 - 1e-9))); }
    std::uint64_t seed() { return m_state = mixSeed(m_state, 0x2545F4914F6CDD1DULL); }

  private:
    std::uint64_t m_state;
};

// Geometry in units of the image side, jittered per phantom so that no
// anatomical landmark sits at a fixed pixel.
struct Frame {
    double size, cx, cy, scale;
    cv::Point point(double x, double y) const {
        return {static_cast<int>(std::lround((cx + (x - 0.5) * scale) * size)),
                static_cast<int>(std::lround((cy + (y - 0.5) * scale) * size))};
    }
    cv::Size axes(double ax, double ay) const {
        return {std::max(1, static_cast<int>(std::lround(ax * scale * size))),
                std::max(1, static_cast<int>(std::lround(ay * scale * size)))};
    }
    int length(double l) const {
        return std::max(1, static_cast<int>(std::lround(l * scale * size)));
    }
};

void fillEllipse(cv::Mat &layer,
                 const Frame &f,
                 double x,
                 double y,
                 double ax,
                 double ay,
                 double value,
                 double angle = 0) {
    cv::ellipse(layer,
                f.point(x, y),
                f.axes(ax, ay),
                angle,
                0,
                360,
                cv::Scalar(value),
                cv::FILLED,
                cv::LINE_AA);
}

struct Anatomy {
    cv::Mat image; // CV_32F, radiographic brightness in [0, 1]
    cv::Mat lungs; // CV_8U, 255 inside the lung fields
    double lungX[2], lungY, lungAx[2], lungAy;
};

Anatomy drawAnatomy(const Frame &f, Random &rng) {
    const int n = static_cast<int>(f.size);
    Anatomy a;
    a.image = cv::Mat(n, n, CV_32F, cv::Scalar(0.04));
    a.lungs = cv::Mat::zeros(n, n, CV_8U);

    // Soft tissue of the trunk: a wide ellipse cut by the image edges gives
    // the near-vertical flanks and rounded shoulders of a PA film.
    fillEllipse(a.image, f, 0.5, 0.72, rng.uniform(0.46, 0.52), 0.74, rng.uniform(0.45, 0.55));
    // Lungs: air, dark. Index 0 is the image's left (the patient's right).
    a.lungY = rng.uniform(0.46, 0.50);
    a.lungAy = rng.uniform(0.24, 0.28);
    for (int s = 0; s < 2; ++s) {
        const double side = s == 0 ? -1 : 1;
        a.lungX[s] = 0.5 + side * rng.uniform(0.17, 0.20);
        a.lungAx[s] = rng.uniform(0.11, 0.135);
        cv::Mat lung = cv::Mat::zeros(n, n, CV_8U);
        cv::ellipse(lung,
                    f.point(a.lungX[s], a.lungY),
                    f.axes(a.lungAx[s], a.lungAy),
                    side * -4,
                    0,
                    360,
                    cv::Scalar(255),
                    cv::FILLED);
        a.lungs |= lung;
    }
    // Diaphragm domes cut the lungs' lower edge.
    cv::Mat domes = cv::Mat::zeros(n, n, CV_8U);
    for (int s = 0; s < 2; ++s)
        cv::ellipse(domes,
                    f.point(a.lungX[s], a.lungY + a.lungAy * rng.uniform(0.75, 0.9) + 0.09),
                    f.axes(a.lungAx[s] * 1.4, 0.1),
                    0,
                    0,
                    360,
                    cv::Scalar(255),
                    cv::FILLED);
    a.lungs.setTo(0, domes);
    const double air = rng.uniform(0.14, 0.22);
    a.image.setTo(air, a.lungs);

    // Spine and mediastinum.
    cv::rectangle(
        a.image, f.point(0.5 - 0.04, 0.0), f.point(0.5 + 0.04, 1.0), cv::Scalar(0.66), cv::FILLED);
    // Heart, bulging into the image's right lung (patient's left).
    cv::Mat heart = cv::Mat::zeros(n, n, CV_32F);
    fillEllipse(heart,
                f,
                0.5 + rng.uniform(0.04, 0.08),
                a.lungY + 0.13,
                rng.uniform(0.10, 0.13),
                rng.uniform(0.08, 0.10),
                1.0);
    a.image = a.image.mul(1.0 - heart) + heart * rng.uniform(0.58, 0.66);

    // Ribs and clavicles: bone adds density over whatever lies beneath.
    cv::Mat bone = cv::Mat::zeros(n, n, CV_32F);
    const double ribStep = rng.uniform(0.050, 0.058);
    for (int s = 0; s < 2; ++s) {
        const double side = s == 0 ? -1 : 1;
        for (int i = 0; i < 9; ++i) {
            const double y = a.lungY - a.lungAy + 0.02 + i * ribStep;
            cv::ellipse(bone,
                        f.point(0.5 + side * 0.16, y),
                        f.axes(0.17, 0.05),
                        side * 8,
                        180,
                        360,
                        cv::Scalar(0.11),
                        f.length(0.011),
                        cv::LINE_AA);
        }
        cv::line(bone,
                 f.point(0.5 + side * 0.05, 0.19),
                 f.point(0.5 + side * 0.33, 0.14),
                 cv::Scalar(0.16),
                 f.length(0.018),
                 cv::LINE_AA);
    }
    a.image += bone;

    // Vascular markings fan out from both hila in every class, so thin lines
    // alone do not give a class away.
    cv::Mat vessels = cv::Mat::zeros(n, n, CV_32F);
    for (int s = 0; s < 2; ++s) {
        const double side = s == 0 ? -1 : 1;
        const cv::Point hilum = f.point(0.5 + side * 0.09, a.lungY);
        for (int k = 0; k < 12; ++k) {
            const double angle = rng.uniform(-1.3, 1.3) + (side < 0 ? M_PI : 0);
            const double length = rng.uniform(0.06, 0.16);
            const cv::Point end =
                hilum + cv::Point(static_cast<int>(std::cos(angle) * length * f.size),
                                  static_cast<int>(std::sin(angle) * length * f.size));
            cv::line(vessels, hilum, end, cv::Scalar(0.07), 1, cv::LINE_AA);
        }
    }
    a.image += vessels;
    return a;
}

// Adds `layer` (density) to the image inside the lungs and returns the mask
// of where the lesion is clearly present.
cv::Mat applyLesion(Anatomy &a, cv::Mat layer, double blurSigma, double maskThreshold) {
    if (blurSigma > 0)
        cv::GaussianBlur(layer, layer, cv::Size(), blurSigma);
    cv::Mat inLungs;
    a.lungs.convertTo(inLungs, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(inLungs, inLungs, cv::Size(), 1.0);
    layer = layer.mul(inLungs);
    a.image += layer;
    cv::Mat mask = layer > maskThreshold;
    mask &= a.lungs;
    return mask;
}

// Where a lesion sits: which lungs it involves, and where in each. Drawn
// the same way for every lesion class, so neither laterality nor zone says
// anything about the class: a classifier has to tell the classes apart by
// the lesion's own pattern, and its evidence then lies where the masks are.
// (With classes in their textbook zones, "is the periphery clear?" tells
// VIRUS from COVID19, that cue lies outside every mask, and a pointing game
// would measure the phantom, not the model.)
struct Site {
    int lung;    // 0: the image's left lung, 1: its right
    double x, y; // centre, frame units
};

std::vector<Site> drawSites(const Anatomy &a, Random &rng) {
    std::vector<int> lungs{0, 1};
    if (rng.chance(0.5))
        lungs = {rng.integer(0, 1)};
    std::vector<Site> sites;
    for (int s : lungs) {
        // Anywhere from the apex to just above the dome, medial to lateral,
        // kept far enough inside that most of the lesion lies in the lung.
        const double x = a.lungX[s] + rng.uniform(-0.45, 0.45) * a.lungAx[s];
        const double y = a.lungY + rng.uniform(-0.6, 0.45) * a.lungAy;
        sites.push_back({s, x, y});
    }
    return sites;
}

cv::Mat
drawConsolidation(const Anatomy &a, const Frame &f, Random &rng, const Site &site, double density) {
    const int n = static_cast<int>(f.size);
    cv::Mat layer = cv::Mat::zeros(n, n, CV_32F);
    fillEllipse(layer,
                f,
                site.x,
                site.y,
                a.lungAx[site.lung] * rng.uniform(0.55, 0.8),
                a.lungAy * rng.uniform(0.3, 0.45),
                density,
                rng.uniform(-20, 20));
    // Lobar consolidation is sharply bounded by a fissure on one side.
    const bool fissureAbove = rng.chance(0.5);
    const cv::Point fissure = f.point(site.x, site.y + (fissureAbove ? -1 : 1) * a.lungAy * 0.3);
    cv::rectangle(layer,
                  cv::Point(0, fissureAbove ? 0 : fissure.y),
                  cv::Point(n, fissureAbove ? fissure.y : n),
                  cv::Scalar(0),
                  cv::FILLED);
    // Air bronchograms: dark branching lines inside the dense area.
    cv::Mat bronchi = cv::Mat::zeros(n, n, CV_32F);
    for (int k = 0; k < 4; ++k) {
        const cv::Point start =
            f.point(site.x + rng.uniform(-0.03, 0.03), site.y + rng.uniform(-0.03, 0.03));
        const cv::Point end =
            start + cv::Point(rng.integer(-n / 12, n / 12), rng.integer(-n / 12, n / 12));
        cv::line(bronchi, start, end, cv::Scalar(density * 0.5), 1, cv::LINE_AA);
    }
    layer -= bronchi;
    cv::max(layer, 0.0, layer);
    return layer;
}

cv::Mat drawBacteria(Anatomy &a, const Frame &f, Random &rng) {
    const int n = static_cast<int>(f.size);
    cv::Mat layer = cv::Mat::zeros(n, n, CV_32F);
    const double density = rng.uniform(0.32, 0.45);
    for (const Site &site : drawSites(a, rng))
        layer += drawConsolidation(a, f, rng, site, density);
    return applyLesion(a, layer, 0.006 * f.size, density * 0.4);
}

cv::Mat drawVirus(Anatomy &a, const Frame &f, Random &rng) {
    const int n = static_cast<int>(f.size);
    cv::Mat layer = cv::Mat::zeros(n, n, CV_32F);
    cv::Mat region = cv::Mat::zeros(n, n, CV_8U);
    const double strength = rng.uniform(0.16, 0.22);
    for (const Site &site : drawSites(a, rng)) {
        const double cx = site.x, cy = site.y;
        const double ax = rng.uniform(0.06, 0.085), ay = rng.uniform(0.08, 0.12);
        cv::ellipse(
            region, f.point(cx, cy), f.axes(ax, ay), 0, 0, 360, cv::Scalar(255), cv::FILLED);
        // Reticular pattern: a net of short thin lines and small nodules.
        for (int k = 0; k < 60; ++k) {
            const double px = cx + rng.uniform(-ax, ax), py = cy + rng.uniform(-ay, ay);
            if (std::pow((px - cx) / ax, 2) + std::pow((py - cy) / ay, 2) > 1)
                continue;
            const cv::Point p = f.point(px, py);
            const cv::Point q =
                p + cv::Point(rng.integer(-n / 30, n / 30), rng.integer(-n / 30, n / 30));
            cv::line(layer, p, q, cv::Scalar(strength * 1.6), f.length(0.004), cv::LINE_AA);
            if (rng.chance(0.3))
                cv::circle(
                    layer, p, f.length(0.006), cv::Scalar(strength * 1.3), cv::FILLED, cv::LINE_AA);
        }
        // And a faint haze under it.
        fillEllipse(layer, f, cx, cy, ax, ay, strength * 0.6);
    }
    applyLesion(a, layer, 0.002 * f.size, 0);
    return region & a.lungs;
}

cv::Mat drawCovid(Anatomy &a, const Frame &f, Random &rng) {
    const int n = static_cast<int>(f.size);
    cv::Mat layer = cv::Mat::zeros(n, n, CV_32F);
    const double strength = rng.uniform(0.22, 0.3);
    for (const Site &site : drawSites(a, rng))
        for (int k = 0; k < 5; ++k)
            fillEllipse(layer,
                        f,
                        site.x + rng.uniform(-0.03, 0.03),
                        site.y + rng.uniform(-0.05, 0.05),
                        rng.uniform(0.035, 0.06),
                        rng.uniform(0.04, 0.07),
                        strength * 0.7);
    cv::min(layer, strength, layer);
    // Ground glass: hazy, soft-edged; vessels stay visible through it.
    return applyLesion(a, layer, 0.02 * f.size, strength * 0.35);
}

void addNoiseAndContrast(cv::Mat &image, Random &rng) {
    cv::GaussianBlur(image, image, cv::Size(), 0.7);
    cv::Mat noise(image.size(), CV_32F);
    cv::RNG cvRng(rng.seed());
    cvRng.fill(noise, cv::RNG::NORMAL, 0.0, rng.uniform(0.015, 0.035));
    image += noise;
    cv::max(image, 0.0, image);
    cv::min(image, 1.0, image);
    cv::pow(image, rng.uniform(0.8, 1.25), image);
    image = image * rng.uniform(0.85, 1.1);
    cv::min(image, 1.0, image);
}

} // namespace

PhantomImage renderPhantom(const std::string &className, int size, std::uint64_t seed) {
    if (size < 32)
        throw std::invalid_argument("phantom size must be at least 32 pixels");
    // Separate streams for anatomy, lesion and film: the same seed gives the
    // same patient and exposure in every class, only the lesion differs.
    const std::uint64_t base = mixSeed(seed, static_cast<std::uint64_t>(size));
    Random anatomyRng(mixSeed(base, 1)), lesionRng(mixSeed(base, 2)), filmRng(mixSeed(base, 3));
    const Frame frame{static_cast<double>(size),
                      0.5 + anatomyRng.uniform(-0.03, 0.03),
                      0.5 + anatomyRng.uniform(-0.03, 0.03),
                      anatomyRng.uniform(0.92, 1.05)};
    Anatomy anatomy = drawAnatomy(frame, anatomyRng);

    cv::Mat mask;
    if (className == kNormal)
        mask = cv::Mat::zeros(size, size, CV_8U);
    else if (className == kBacteria)
        mask = drawBacteria(anatomy, frame, lesionRng);
    else if (className == kVirus)
        mask = drawVirus(anatomy, frame, lesionRng);
    else if (className == kCovid19)
        mask = drawCovid(anatomy, frame, lesionRng);
    else
        throw std::invalid_argument("no phantom for class \"" + className + "\"");

    addNoiseAndContrast(anatomy.image, filmRng);
    PhantomImage phantom;
    anatomy.image.convertTo(phantom.image, CV_8U, 255.0);
    phantom.mask = mask;
    return phantom;
}

std::size_t writePhantomDataset(const fs::path &out,
                                const PhantomOptions &options,
                                const ProgressFn &progress,
                                const CancelToken *cancel) {
    if (options.trainPerClass < 1 || options.testPerClass < 0)
        throw std::invalid_argument("phantoms: at least one training image per class is needed");
    std::error_code error;
    if (fs::exists(out, error) && !fs::is_empty(out, error)) {
        std::ifstream readme(out / "README.md");
        std::string firstLine;
        std::getline(readme, firstLine);
        if (firstLine.find(kReadmeMarker) == std::string::npos)
            throw DatasetFormatError(out,
                                     "the folder is not empty and is not a phantom dataset; "
                                     "choose an empty or new folder");
    }

    struct Job {
        std::string split, className;
        int index;
    };
    std::vector<Job> jobs;
    for (const std::string &className : fourClassNames()) {
        for (int i = 0; i < options.trainPerClass; ++i)
            jobs.push_back({"train", className, i});
        for (int i = 0; i < options.testPerClass; ++i)
            jobs.push_back({"test", className, i});
    }
    const auto &classes = fourClassNames();
    for (const char *split : {"train", "test"})
        for (const std::string &className : fourClassNames())
            for (const fs::path &root : {out, out / "masks"}) {
                fs::create_directories(root / split / className, error);
                if (error)
                    throw DatasetFormatError(root / split / className,
                                             "cannot create the folder: " + error.message());
            }

    std::size_t done = 0;
    for (const Job &job : jobs) {
        if (cancel)
            cancel->throwIfCancelled();
        // Seed per image from (seed, split, class, index): any subset of the
        // dataset is reproducible on its own.
        std::uint64_t seed = mixSeed(options.seed, job.split == "train" ? 1 : 2);
        seed = mixSeed(
            seed,
            static_cast<std::uint64_t>(std::find(classes.begin(), classes.end(), job.className) -
                                       classes.begin()));
        seed = mixSeed(seed, static_cast<std::uint64_t>(job.index));
        const PhantomImage phantom = renderPhantom(job.className, options.size, seed);
        char name[64];
        std::snprintf(name, sizeof name, "phantom_%s_%04d.png", job.className.c_str(), job.index);
        const fs::path relative = fs::path(job.split) / job.className / name;
        writeImageFile(out / relative, phantom.image);
        writeImageFile(out / "masks" / relative, phantom.mask);
        if (progress)
            progress(++done, jobs.size());
    }

    std::ofstream readme(out / "README.md");
    readme << "# " << kReadmeMarker << "\n\n"
           << "SYNTHETIC images made by `cxr phantoms` (seed " << options.seed << ", "
           << options.size << " px): no real patient is shown. For demos, teaching and tests "
           << "only; never for judging clinical performance.\n\n"
           << "- `train/<CLASS>/`, `test/<CLASS>/`: " << options.trainPerClass << " and "
           << options.testPerClass << " images per class.\n"
           << "- `masks/`: the ground-truth lesion mask of each image (same relative path; white = "
           << "lesion, empty for NORMAL).\n\n"
           << "Patterns: NORMAL clear lungs; BACTERIA dense lobar consolidation; VIRUS "
           << "interstitial (reticular) pattern; COVID19 patchy ground-glass opacity. Every "
           << "lesion class involves one lung or both, anywhere in it, with the same odds, so "
           << "only the lesion's own pattern tells the class.\n";
    if (!readme)
        throw DatasetFormatError(out / "README.md", "could not write the file");
    return done;
}

} // namespace cxr
