// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

namespace cxr {

// Class activation map methods. Kept apart from grad_cam.h so that callers
// without LibTorch (the UI, the CLI) can name them.
enum class CamMethod {
    GradCam,        // Selvaraju et al. 2017
    GradCamPlusPlus // Chattopadhay et al. 2018
};

const char *camMethodName(CamMethod method); // "gradcam", "gradcam++"
std::optional<CamMethod> parseCamMethod(const std::string &name);

} // namespace cxr
