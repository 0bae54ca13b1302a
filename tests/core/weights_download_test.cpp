// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "errors.h"
#include "support/local_http_server.h"
#include "support/test_support.h"
#include "weights/weights_download.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

std::size_t fileCount(const fs::path &dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir))
        ++n;
    return n;
}

// A served folder with one file whose name carries its true hash prefix
// and a copy whose name carries a wrong one.
class DownloadFixture : public ::testing::Test {
  protected:
    void SetUp() override {
        test::TempDir scratch;
        const std::string payload(300000, 'w');
        test::writeFile(scratch / "payload", payload);
        hash = sha256File(scratch / "payload").substr(0, 8);
        good = "tiny-" + hash + ".pth";
        test::writeFile(served / good, payload);
        test::writeFile(served / "tiny-deadbeef.pth", payload);
        server = std::make_unique<test::LocalHttpServer>(served.path());
        ASSERT_TRUE(server->running()) << "the local HTTP server did not start";
        options.cacheDir = cache.path();
        options.connectTimeoutSeconds = 5;
    }
    test::TempDir served, cache;
    std::unique_ptr<test::LocalHttpServer> server;
    DownloadOptions options;
    std::string hash, good;
};

TEST_F(DownloadFixture, GoodFileIsVerifiedCachedAndReused) {
    std::size_t lastDone = 0, lastTotal = 0;
    options.progress = [&](std::size_t done, std::size_t total) {
        lastDone = done;
        lastTotal = total;
    };
    const fs::path file = downloadWeights(server->url("files/" + good), options);
    EXPECT_EQ(file, cache / good);
    EXPECT_EQ(test::readFile(file), test::readFile(served / good));
    EXPECT_EQ(lastDone, 300000u);
    EXPECT_EQ(lastTotal, 300000u);
    EXPECT_EQ(fileCount(cache.path()), 1u);

    server->stop(); // the cached copy is used without the network
    EXPECT_EQ(downloadWeights(server->url("files/" + good), options), file);
}

TEST_F(DownloadFixture, WrongHashLeavesNothingBehind) {
    try {
        downloadWeights(server->url("files/tiny-deadbeef.pth"), options);
        FAIL() << "expected Error";
    } catch (const Error &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
        EXPECT_NE(message.find("deadbeef"), std::string::npos) << message;
    }
    EXPECT_EQ(fileCount(cache.path()), 0u);
}

TEST_F(DownloadFixture, InterruptedTransferLeavesNothingBehind) {
    EXPECT_THROW(downloadWeights(server->url("cut/" + good), options), Error);
    EXPECT_EQ(fileCount(cache.path()), 0u);
}

TEST_F(DownloadFixture, MissingFileAndUnreachableHostSayWhatToDo) {
    try {
        downloadWeights(server->url("files/absent-12345678.pth"), options);
        FAIL() << "expected Error";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("404"), std::string::npos) << e.what();
    }
    server->stop();
    try {
        downloadWeights(server->url("files/" + good), options);
        FAIL() << "expected Error";
    } catch (const Error &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(server->url("files/" + good)), std::string::npos) << message;
        EXPECT_NE(message.find("cxr import-weights --from"), std::string::npos) << message;
    }
    EXPECT_EQ(fileCount(cache.path()), 0u);
}

TEST_F(DownloadFixture, CancelStopsAndCleansUp) {
    CancelToken cancel;
    cancel.cancel();
    options.cancel = &cancel;
    EXPECT_THROW(downloadWeights(server->url("files/" + good), options), Cancelled);
    EXPECT_EQ(fileCount(cache.path()), 0u);
}

TEST(Download, OnlyHttpAddresses) {
    EXPECT_THROW(downloadWeights("ftp://example.invalid/x.pth"), Error);
    EXPECT_THROW(downloadWeights("file:///etc/passwd"), Error);
}

TEST(Download, HashPrefixFromTorchvisionNames) {
    EXPECT_EQ(hashPrefixFromName("resnet50-0676ba61.pth"), "0676ba61");
    EXPECT_EQ(hashPrefixFromName("resnet50-11ad3fa6.pth"), "11ad3fa6");
    EXPECT_EQ(hashPrefixFromName("densenet121-a639ec97.pth"), "a639ec97");
    EXPECT_EQ(hashPrefixFromName("model.pth.tar"), "");
    EXPECT_EQ(hashPrefixFromName("my-weights.pth"), "");
}

TEST(Download, KnownWeights) {
    const auto v1 = findKnownWeights("imagenet", "resnet50");
    ASSERT_TRUE(v1.has_value());
    EXPECT_EQ(std::string(v1->url), "https://download.pytorch.org/models/resnet50-0676ba61.pth");
    EXPECT_TRUE(findKnownWeights("imagenet-v2", "resnet50").has_value());
    EXPECT_TRUE(findKnownWeights("imagenet", "densenet121").has_value());
    EXPECT_FALSE(findKnownWeights("imagenet-v2", "densenet121").has_value());
}

} // namespace
} // namespace cxr
