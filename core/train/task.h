// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/dataset_index.h"

namespace cxr {

// The classification tasks of the paper.
enum class Task {
    FourClass,         // NORMAL / BACTERIA / VIRUS / COVID19
    NormalVsPneumonia, // NORMAL / PNEUMONIA (bacteria, virus and COVID-19 together)
    BacteriaVsVirus,   // BACTERIA / VIRUS (COVID-19 counted as viral); NORMAL left out
};

const char *taskName(Task task); // "4class", "normal-vs-pneumonia", "bacteria-vs-virus"
std::optional<Task> parseTask(const std::string &name);

// The task's class names, in label order.
std::vector<std::string> taskClasses(Task task);

// A dataset seen through a task: for every dataset sample, its task label or
// -1 when the task leaves it out.
struct TaskView {
    Task task = Task::FourClass;
    std::vector<std::string> classes;
    std::vector<int> labels; // per DatasetIndex::samples entry
};

// Maps the dataset's classes onto the task. Throws DatasetFormatError
// naming the dataset when a class the task needs is absent from it, or when
// the dataset has a class the task cannot place.
TaskView viewForTask(const DatasetIndex &index, Task task);

} // namespace cxr
