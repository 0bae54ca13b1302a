// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/dataset_index.h"

namespace cxr {

// What a run learns to tell apart: the paper's three tasks, or the
// dataset's own classes (any folder of class folders: TB/NORMAL, 7 classes).
enum class Task {
    FourClass,         // NORMAL / BACTERIA / VIRUS / COVID19
    NormalVsPneumonia, // NORMAL / PNEUMONIA (bacteria, virus and COVID-19 together)
    BacteriaVsVirus,   // BACTERIA / VIRUS (COVID-19 counted as viral); NORMAL left out
    DatasetClasses,    // every class of the dataset, as it names them
};

// One row of the task table: everything the rest of the code asks of a task.
struct TaskInfo {
    Task task;
    const char *name;        // "4class", "normal-vs-pneumonia", "bacteria-vs-virus", "classes"
    const char *description; // for --help and the Training page
    std::vector<std::string> classes; // fixed class names; empty for DatasetClasses
};

const std::vector<TaskInfo> &tasks(); // in display order
const TaskInfo &taskInfo(Task task);
const char *taskName(Task task);
std::optional<Task> parseTask(const std::string &name);
// "4class, normal-vs-pneumonia, bacteria-vs-virus or classes", for messages.
std::string taskNameList();

// The task's class names, in label order (for DatasetClasses: the
// dataset's classes).
std::vector<std::string> taskClasses(Task task, const DatasetIndex &index);

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

// Maps the dataset's classes onto a model's `classes`: through the paper's
// task with exactly these classes (merging BACTERIA, VIRUS and COVID19 into
// PNEUMONIA, ...), else by name, leaving out dataset classes the model does
// not know. Throws DatasetFormatError when no image has one of the classes.
TaskView viewForClasses(const DatasetIndex &index, const std::vector<std::string> &classes);

} // namespace cxr
