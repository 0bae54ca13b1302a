// SPDX-License-Identifier: MIT
#include "library_versions.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <oneapi/dnnl/dnnl.h>
#include <opencv2/core/utility.hpp>
#include <torch/version.h>

namespace cxr {

std::vector<std::pair<std::string, std::string>> coreLibraryVersions() {
    const dnnl_version_t *dnnl = dnnl_version();
    return {
        {"LibTorch", TORCH_VERSION " (headers)"},
        {"oneDNN",
         std::to_string(dnnl->major) + "." + std::to_string(dnnl->minor) + "." +
             std::to_string(dnnl->patch)},
        {"OpenCV", cv::getVersionString()},
        {"DCMTK", OFFIS_DCMTK_VERSION_STRING " (headers)"},
    };
}

} // namespace cxr
