// SPDX-License-Identifier: MIT
// The benchmark harness runs and reports (no timing is asserted: speed is
// measured by bench/compare.sh against the reference, never by a test).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/cli_runner.h"
#include "support/test_support.h"

namespace cxr {
namespace {

TEST(CliBench, QuickWorkloadsReportJson) {
    CXR_REQUIRE_SHARED_DATA("cxr-sample");
    const std::string data = (test::sharedData() / "cxr-sample").string();
    const test::CliResult pipeline = test::runCli({"bench", "pipeline", "--quick", "--data", data});
    ASSERT_EQ(pipeline.exitCode, 0) << pipeline.err;
    const auto p = nlohmann::json::parse(pipeline.out);
    EXPECT_EQ(p["images"], 96);
    EXPECT_GT(p["images_per_second"].get<double>(), 0.0);

    const test::CliResult cam =
        test::runCli({"bench", "gradcam_resnet50", "--quick", "--image-size", "64"});
    ASSERT_EQ(cam.exitCode, 0) << cam.err;
    EXPECT_GT(nlohmann::json::parse(cam.out)["latency_ms"].get<double>(), 0.0);

    const test::CliResult unknown = test::runCli({"bench", "nothing"});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_NE(unknown.err.find("nothing"), std::string::npos);
}

} // namespace
} // namespace cxr
