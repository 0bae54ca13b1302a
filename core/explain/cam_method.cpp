// SPDX-License-Identifier: MIT
#include "explain/cam_method.h"

#include "enum_names.h"

namespace cxr {
namespace {

constexpr EnumName<CamMethod> kCamMethodNames[] = {
    {CamMethod::GradCam, "gradcam"},
    {CamMethod::GradCamPlusPlus, "gradcam++"},
    {CamMethod::GradCam, "grad-cam"},
    {CamMethod::GradCamPlusPlus, "grad-cam++"},
    {CamMethod::GradCamPlusPlus, "gradcampp"},
};

constexpr EnumName<Smoothing> kSmoothingNames[] = {
    {Smoothing::None, "none"},
    {Smoothing::Mirror, "mirror"},
    {Smoothing::Flips, "flips"},
};

// How a figure or a report names them.
constexpr EnumName<CamMethod> kCamMethodTitles[] = {
    {CamMethod::GradCam, "Grad-CAM"},
    {CamMethod::GradCamPlusPlus, "Grad-CAM++"},
};

constexpr EnumName<Smoothing> kSmoothingDescriptions[] = {
    {Smoothing::None, ""},
    {Smoothing::Mirror, "averaged with the left-right mirror image"},
    {Smoothing::Flips, "averaged over all mirror images"},
};

} // namespace

const char *camMethodTitle(CamMethod method) { return nameOf(kCamMethodTitles, method); }

const char *smoothingDescription(Smoothing smoothing) {
    return nameOf(kSmoothingDescriptions, smoothing);
}

const char *camMethodName(CamMethod method) { return nameOf(kCamMethodNames, method); }

std::optional<CamMethod> parseCamMethod(const std::string &name) {
    return parseName(kCamMethodNames, name);
}

const char *smoothingName(Smoothing smoothing) { return nameOf(kSmoothingNames, smoothing); }

std::optional<Smoothing> parseSmoothing(const std::string &name) {
    return parseName(kSmoothingNames, name);
}

} // namespace cxr
