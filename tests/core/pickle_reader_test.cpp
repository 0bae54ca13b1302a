// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "errors.h"
#include "weights/pickle_reader.h"

namespace cxr {
namespace {

// Bytes from a hex string (pickles below were made with Python's pickle).
std::string fromHex(const std::string &hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return bytes;
}

PickleValue parse(const std::string &bytes) {
    std::size_t offset = 0;
    return readPickle(bytes.data(), bytes.size(), offset, {}, "test.pkl");
}

std::string errorOf(const std::string &bytes) {
    try {
        parse(bytes);
    } catch (const ModelError &e) {
        return e.what();
    }
    return {};
}

TEST(PickleReader, ReadsTheValuesWeightsFilesHold) {
    // pickle.dumps({"a": [1, -2, 3.5, None, True], "b": (300, "x")}, protocol=2)
    const std::string bytes =
        fromHex("80027d71002858010000006171015d7102284b014afeffffff47400c0000000000004e886558010"
                "000006271034d2c015801000000787104867105752e");
    const PickleValue v = parse(bytes);
    ASSERT_TRUE(v.isDict());
    const PickleValue *a = v.find("a");
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->items->size(), 5u);
    EXPECT_EQ((*a->items)[0].integer, 1);
    EXPECT_EQ((*a->items)[1].integer, -2);
    EXPECT_DOUBLE_EQ((*a->items)[2].real, 3.5);
    EXPECT_EQ((*a->items)[3].kind, PickleValue::Kind::None);
    EXPECT_TRUE((*a->items)[4].boolean);
    const PickleValue *b = v.find("b");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->kind, PickleValue::Kind::Tuple);
    EXPECT_EQ((*b->items)[0].integer, 300);
    EXPECT_EQ((*b->items)[1].text, "x");
}

TEST(PickleReader, RefusesGlobalsThatCouldRunCode) {
    // An object whose __reduce__ is (os.system, ("ls",)); pickle names it posix.system.
    const std::string evil =
        fromHex("800263706f7369780a73797374656d0a710058020000006c7371018571025271032e");
    const std::string message = errorOf(evil);
    EXPECT_NE(message.find("posix.system"), std::string::npos) << message;
    EXPECT_NE(message.find("refusing"), std::string::npos) << message;
    EXPECT_NE(message.find("test.pkl"), std::string::npos) << message;
    // The same with STACK_GLOBAL (protocol 4) and builtins.eval.
    const std::string evil4 = fromHex("8004951d000000000000008c086275696c74696e73948c046576616c949"
                                      "3948c013194859452942e");
    EXPECT_NE(errorOf(evil4).find("builtins.eval"), std::string::npos) << errorOf(evil4);
}

TEST(PickleReader, MalformedInputsAreErrorsNotCrashes) {
    const std::vector<std::string> cases = {
        fromHex("8002"),               // no STOP
        fromHex("800258ffffff7f"),     // string longer than the data
        fromHex("800268052e"),         // memo entry never stored
        fromHex("8002752e"),           // SETITEMS without MARK
        fromHex("80024b014b022e"),     // two values left at STOP
        fromHex("8002ff2e"),           // unknown opcode
        fromHex("80025d4b014b01732e"), // SETITEM on a list
        fromHex("800229512e"),         // persistent id without a loader
        fromHex("80026"
                "3746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a29522e"),
    };
    for (const auto &bytes : cases)
        EXPECT_FALSE(errorOf(bytes).empty()) << "accepted: " << ::testing::PrintToString(bytes);
}

} // namespace
} // namespace cxr
