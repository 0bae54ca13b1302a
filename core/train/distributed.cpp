// SPDX-License-Identifier: MIT
#include "train/distributed.h"

#include <cstdlib>

#include "errors.h"

namespace cxr {
namespace {

std::optional<std::string> variable(const char *name) {
    const char *value = std::getenv(name);
    if (!value || !*value)
        return std::nullopt;
    return std::string(value);
}

int integer(const char *name, int low, int high, int fallback) {
    const auto text = variable(name);
    if (!text)
        return fallback;
    try {
        std::size_t used = 0;
        const long value = std::stol(*text, &used);
        if (used == text->size() && value >= low && value <= high)
            return static_cast<int>(value);
    } catch (const std::exception &) {
    }
    throw Error("the environment variable " + std::string(name) + "=\"" + *text +
                "\" is not a whole number from " + std::to_string(low) + " to " +
                std::to_string(high));
}

} // namespace

std::optional<DistributedSetup> distributedFromEnvironment() {
    if (!variable("WORLD_SIZE"))
        return std::nullopt;
    DistributedSetup setup;
    setup.worldSize = integer("WORLD_SIZE", 1, 4096, 1);
    setup.rank = integer("RANK", 0, setup.worldSize - 1, 0);
    setup.localRank = integer("LOCAL_RANK", 0, setup.worldSize - 1, 0);
    setup.masterAddress = variable("MASTER_ADDR").value_or(setup.masterAddress);
    setup.masterPort = integer("MASTER_PORT", 1, 65535, setup.masterPort);
    setup.agentStore = variable("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True";
    setup.interface = variable("GLOO_SOCKET_IFNAME").value_or("");
    setup.timeoutSeconds = integer("CXR_DIST_TIMEOUT", 5, 86400, setup.timeoutSeconds);
    return setup;
}

} // namespace cxr
