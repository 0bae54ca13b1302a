// SPDX-License-Identifier: MIT
#include <cstdlib>

#include <gtest/gtest.h>

#include "errors.h"
#include "train/distributed.h"
#include "train/sharding.h"

namespace cxr {
namespace {

EpochPlan planOf(std::size_t n) {
    EpochPlan plan;
    for (std::size_t i = 0; i < n; ++i) {
        plan.samples.push_back(100 + i);
        plan.labels.push_back(static_cast<int>(i % 4));
    }
    return plan;
}

// Step t of the job trains exactly the images of a single process's step t.
TEST(Sharding, EachGlobalBatchIsSplitAcrossTheRanks) {
    const EpochPlan plan = planOf(20); // batches of 8: 8, 8, 4
    std::size_t batches = 0;
    const EpochPlan r0 = shardPlan(plan, 8, 0, 2, batches);
    EXPECT_EQ(batches, 3u);
    const EpochPlan r1 = shardPlan(plan, 8, 1, 2, batches);
    EXPECT_EQ(r0.samples,
              (std::vector<std::size_t>{100, 101, 102, 103, 108, 109, 110, 111, 116, 117}));
    EXPECT_EQ(r1.samples,
              (std::vector<std::size_t>{104, 105, 106, 107, 112, 113, 114, 115, 118, 119}));
    EXPECT_EQ(r1.labels.front(), 0); // label of sample 104 (position 4)
    // One process: the plan itself.
    const EpochPlan alone = shardPlan(plan, 8, 0, 1, batches);
    EXPECT_EQ(alone.samples, plan.samples);
    EXPECT_EQ(batches, 3u);
}

TEST(Sharding, ALastBatchTooSmallForEveryRankIsLeftOut) {
    std::size_t batches = 0;
    const EpochPlan r2 = shardPlan(planOf(17), 8, 2, 4, batches); // last batch: 1 image
    EXPECT_EQ(batches, 2u);
    EXPECT_EQ(r2.samples, (std::vector<std::size_t>{104, 105, 112, 113}));
}

TEST(Sharding, GatheredPredictionsReturnToTheirOrder) {
    // 5 items over 2 ranks: rank 0 had items 0, 2, 4; rank 1 items 1, 3.
    Predictions gathered(2);
    gathered.add(
        {0, 0, 0, 1, 1}, {0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f, 0.4f, 0.6f, 0.5f, 0.5f}, 0.5);
    const Predictions ordered = interleaved(gathered, 5, 2);
    EXPECT_EQ(ordered.labels, (std::vector<int>{0, 1, 0, 1, 0}));
    EXPECT_FLOAT_EQ(ordered.probabilities[2], 0.4f); // item 1 = rank 1's first
    EXPECT_FLOAT_EQ(ordered.probabilities[8], 0.7f); // item 4 = rank 0's third
    EXPECT_DOUBLE_EQ(ordered.lossSum, gathered.lossSum);
    // Counts that do not fit (an image failed somewhere): order kept.
    EXPECT_EQ(interleaved(gathered, 6, 2).labels, gathered.labels);
}

class Environment {
  public:
    explicit Environment(std::vector<std::pair<std::string, std::string>> values)
        : m_values(std::move(values)) {
        for (const auto &[name, value] : m_values)
            setenv(name.c_str(), value.c_str(), 1);
    }
    ~Environment() {
        for (const auto &[name, value] : m_values)
            unsetenv(name.c_str());
    }

  private:
    std::vector<std::pair<std::string, std::string>> m_values;
};

TEST(Distributed, ReadsTorchrunsEnvironment) {
    EXPECT_FALSE(distributedFromEnvironment().has_value());
    {
        const Environment env({{"WORLD_SIZE", "4"},
                               {"RANK", "3"},
                               {"LOCAL_RANK", "1"},
                               {"MASTER_ADDR", "10.0.0.7"},
                               {"MASTER_PORT", "29400"},
                               {"TORCHELASTIC_USE_AGENT_STORE", "True"}});
        const auto setup = distributedFromEnvironment();
        ASSERT_TRUE(setup.has_value());
        EXPECT_EQ(setup->worldSize, 4);
        EXPECT_EQ(setup->rank, 3);
        EXPECT_EQ(setup->localRank, 1);
        EXPECT_EQ(setup->masterAddress, "10.0.0.7");
        EXPECT_EQ(setup->masterPort, 29400);
        EXPECT_TRUE(setup->agentStore);
        EXPECT_FALSE(setup->leads());
    }
    for (const auto &[name, value] : std::vector<std::pair<std::string, std::string>>{
             {"RANK", "4"}, {"RANK", "-1"}, {"MASTER_PORT", "70000"}, {"MASTER_PORT", "12ab"}}) {
        const Environment env({{"WORLD_SIZE", "4"}, {name, value}});
        try {
            distributedFromEnvironment();
            ADD_FAILURE() << name << "=" << value << " was accepted";
        } catch (const Error &e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        }
    }
}

} // namespace
} // namespace cxr
