// SPDX-License-Identifier: MIT
#include "explain/cam_method.h"

namespace cxr {

const char *camMethodName(CamMethod method) {
    return method == CamMethod::GradCamPlusPlus ? "gradcam++" : "gradcam";
}

std::optional<CamMethod> parseCamMethod(const std::string &name) {
    if (name == "gradcam" || name == "grad-cam")
        return CamMethod::GradCam;
    if (name == "gradcam++" || name == "grad-cam++" || name == "gradcampp")
        return CamMethod::GradCamPlusPlus;
    return std::nullopt;
}

const char *smoothingName(Smoothing smoothing) {
    switch (smoothing) {
    case Smoothing::Mirror:
        return "mirror";
    case Smoothing::Flips:
        return "flips";
    case Smoothing::None:
        break;
    }
    return "none";
}

std::optional<Smoothing> parseSmoothing(const std::string &name) {
    for (Smoothing s : {Smoothing::None, Smoothing::Mirror, Smoothing::Flips})
        if (name == smoothingName(s))
            return s;
    return std::nullopt;
}

} // namespace cxr
