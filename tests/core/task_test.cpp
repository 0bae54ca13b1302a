// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include "data/task.h"
#include "errors.h"

namespace cxr {
namespace {

DatasetIndex indexOf(const std::vector<std::string> &classes) {
    DatasetIndex index;
    index.root = "/data/example";
    index.classes = classes;
    for (std::size_t c = 0; c < classes.size(); ++c)
        for (int i = 0; i < 2; ++i) {
            Sample s;
            s.path = classes[c] + std::to_string(i) + ".png";
            s.label = static_cast<int>(c);
            s.split = Split::Train;
            index.samples.push_back(s);
        }
    return index;
}

// Any folder of class folders trains on its own classes.
TEST(Task, DatasetClassesTakesTheDatasetsOwnClasses) {
    const DatasetIndex index = indexOf({"NORMAL", "TB", "ZEBRA"});
    const TaskView view = viewForTask(index, Task::DatasetClasses);
    EXPECT_EQ(view.classes, index.classes);
    EXPECT_EQ(view.labels, (std::vector<int>{0, 0, 1, 1, 2, 2}));
    EXPECT_EQ(taskClasses(Task::DatasetClasses, index), index.classes);
    // The paper's tasks have no place for TB.
    EXPECT_THROW(viewForTask(index, Task::FourClass), DatasetFormatError);
}

TEST(Task, ModelClassesMapThroughTheirTaskOrByName) {
    const DatasetIndex four = indexOf({"NORMAL", "BACTERIA", "VIRUS", "COVID19"});
    // A binary model: bacteria, virus and COVID-19 all count as PNEUMONIA.
    const TaskView binary = viewForClasses(four, {"NORMAL", "PNEUMONIA"});
    EXPECT_EQ(binary.labels, (std::vector<int>{0, 0, 1, 1, 1, 1, 1, 1}));
    // A model of other classes: by name, unknown dataset classes left out.
    const DatasetIndex tb = indexOf({"NORMAL", "TB", "OTHER"});
    const TaskView byName = viewForClasses(tb, {"TB", "NORMAL"});
    EXPECT_EQ(byName.labels, (std::vector<int>{1, 1, 0, 0, -1, -1}));
    EXPECT_THROW(viewForClasses(tb, {"CAT", "DOG"}), DatasetFormatError);
}

} // namespace
} // namespace cxr
