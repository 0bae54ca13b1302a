// SPDX-License-Identifier: MIT
#include <set>

#include <gtest/gtest.h>

#include "errors.h"
#include "train/split.h"

namespace cxr {
namespace {

// A synthetic index: `patients` patients per class with 1-3 images each in
// train, and a few test images.
DatasetIndex syntheticIndex(int patients) {
    DatasetIndex index;
    index.classes = {"NORMAL", "BACTERIA", "VIRUS", "COVID19"};
    for (int c = 0; c < 4; ++c)
        for (int p = 0; p < patients; ++p)
            for (int image = 0; image <= p % 3; ++image) {
                Sample s;
                s.path =
                    "c" + std::to_string(c) + "p" + std::to_string(p) + "i" + std::to_string(image);
                s.label = c;
                s.split = Split::Train;
                s.patientId = "person" + std::to_string(c * 1000 + p);
                index.samples.push_back(s);
            }
    for (int c = 0; c < 4; ++c) {
        Sample s;
        s.path = "test" + std::to_string(c);
        s.label = c;
        s.split = Split::Test;
        index.samples.push_back(s);
    }
    return index;
}

TEST(Split, ValidationIsStratifiedAndPatientDisjoint) {
    const DatasetIndex index = syntheticIndex(30);
    const TaskView view = viewForTask(index, Task::FourClass);
    const RunSplit split = splitForTraining(index, view, 0.2, 9);
    EXPECT_EQ(split.test.size(), 4u);
    std::set<std::string> trainPatients, valPatients;
    std::vector<int> valPerClass(4, 0), trainPerClass(4, 0);
    for (std::size_t i : split.train) {
        trainPatients.insert(index.samples[i].patientId);
        ++trainPerClass[static_cast<std::size_t>(view.labels[i])];
    }
    for (std::size_t i : split.val) {
        valPatients.insert(index.samples[i].patientId);
        ++valPerClass[static_cast<std::size_t>(view.labels[i])];
    }
    for (const auto &p : valPatients)
        EXPECT_EQ(trainPatients.count(p), 0u) << p << " is on both sides";
    for (int c = 0; c < 4; ++c) {
        const double share =
            static_cast<double>(valPerClass[static_cast<std::size_t>(c)]) /
            (valPerClass[static_cast<std::size_t>(c)] + trainPerClass[static_cast<std::size_t>(c)]);
        EXPECT_NEAR(share, 0.2, 0.06) << "class " << c;
    }
    EXPECT_EQ(split.train.size() + split.val.size() + split.test.size(), index.samples.size());
    // Deterministic for a seed, different for another.
    EXPECT_EQ(splitForTraining(index, view, 0.2, 9).val, split.val);
    EXPECT_NE(splitForTraining(index, view, 0.2, 10).val, split.val);
}

TEST(Split, TasksMapAndDropClasses) {
    const DatasetIndex index = syntheticIndex(5);
    const TaskView binary = viewForTask(index, Task::NormalVsPneumonia);
    EXPECT_EQ(binary.classes, (std::vector<std::string>{"NORMAL", "PNEUMONIA"}));
    const TaskView bv = viewForTask(index, Task::BacteriaVsVirus);
    const RunSplit split = splitForTraining(index, bv, 0.0, 1);
    for (std::size_t i : split.train)
        EXPECT_NE(index.classes[static_cast<std::size_t>(index.samples[i].label)], "NORMAL");
    EXPECT_TRUE(split.val.empty());

    DatasetIndex noCovid = index;
    noCovid.samples.erase(std::remove_if(noCovid.samples.begin(),
                                         noCovid.samples.end(),
                                         [](const Sample &s) { return s.label == 3; }),
                          noCovid.samples.end());
    try {
        viewForTask(noCovid, Task::FourClass);
        FAIL() << "expected DatasetFormatError";
    } catch (const DatasetFormatError &e) {
        EXPECT_NE(std::string(e.what()).find("COVID19"), std::string::npos) << e.what();
    }
}

TEST(Split, UnsplitDatasetsGetATestSplitByPatient) {
    DatasetIndex index = syntheticIndex(20);
    index.samples.erase(std::remove_if(index.samples.begin(),
                                       index.samples.end(),
                                       [](const Sample &s) { return s.split == Split::Test; }),
                        index.samples.end());
    for (Sample &s : index.samples)
        s.split = Split::Unsplit;
    const TaskView view = viewForTask(index, Task::FourClass);
    const RunSplit split = splitForTraining(index, view, 0.1, 4);
    EXPECT_NEAR(static_cast<double>(split.test.size()) / static_cast<double>(index.samples.size()),
                0.2,
                0.05);
    std::set<std::string> test;
    for (std::size_t i : split.test)
        test.insert(index.samples[i].patientId);
    for (std::size_t i : split.train)
        EXPECT_EQ(test.count(index.samples[i].patientId), 0u);
}

} // namespace
} // namespace cxr
