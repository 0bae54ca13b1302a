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

} // namespace

const char *camMethodName(CamMethod method) { return nameOf(kCamMethodNames, method); }

std::optional<CamMethod> parseCamMethod(const std::string &name) {
    return parseName(kCamMethodNames, name);
}

const char *smoothingName(Smoothing smoothing) { return nameOf(kSmoothingNames, smoothing); }

std::optional<Smoothing> parseSmoothing(const std::string &name) {
    return parseName(kSmoothingNames, name);
}

} // namespace cxr
