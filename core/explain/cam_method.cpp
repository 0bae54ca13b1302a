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

} // namespace cxr
