// SPDX-License-Identifier: MIT
#include "data/task.h"

#include <algorithm>

#include "data/class_names.h"
#include "errors.h"

namespace cxr {
namespace {

// The task label of a dataset class: >= 0, -1 to leave it out, or -2 when the
// task has no place for it.
int placeOf(Task task, const std::vector<std::string> &classes, const std::string &name) {
    auto at = [&classes](const std::string &n) {
        const auto it = std::find(classes.begin(), classes.end(), n);
        return it == classes.end() ? -2 : static_cast<int>(it - classes.begin());
    };
    switch (task) {
    case Task::FourClass:
    case Task::DatasetClasses:
        return at(name);
    case Task::NormalVsPneumonia:
        if (name == kNormal)
            return 0;
        return name == kBacteria || name == kVirus || name == kCovid19 || name == "PNEUMONIA" ? 1
                                                                                              : -2;
    case Task::BacteriaVsVirus:
        if (name == kBacteria)
            return 0;
        if (name == kVirus || name == kCovid19)
            return 1;
        return name == kNormal ? -1 : -2;
    }
    return -2;
}

TaskView makeView(const DatasetIndex &index, Task task, std::vector<std::string> classes) {
    TaskView view;
    view.task = task;
    view.classes = std::move(classes);
    std::vector<int> map(index.classes.size());
    for (std::size_t c = 0; c < index.classes.size(); ++c) {
        map[c] = placeOf(task, view.classes, index.classes[c]);
        if (map[c] == -2)
            throw DatasetFormatError(index.root,
                                     "the class \"" + index.classes[c] + "\" has no place in the " +
                                         taskName(task) + " task");
    }
    view.labels.reserve(index.samples.size());
    for (const Sample &sample : index.samples)
        view.labels.push_back(map[static_cast<std::size_t>(sample.label)]);
    return view;
}

void requireEveryClass(const DatasetIndex &index, const TaskView &view) {
    std::vector<std::size_t> perClass(view.classes.size(), 0);
    for (int label : view.labels)
        if (label >= 0)
            ++perClass[static_cast<std::size_t>(label)];
    for (std::size_t c = 0; c < perClass.size(); ++c)
        if (perClass[c] == 0)
            throw DatasetFormatError(index.root,
                                     "the " + std::string(taskName(view.task)) +
                                         " task needs images of class " + view.classes[c] +
                                         ", and the dataset has none");
}

} // namespace

const std::vector<TaskInfo> &tasks() {
    static const std::vector<TaskInfo> table = {
        {Task::FourClass,
         "4class",
         "NORMAL, BACTERIA, VIRUS and COVID19 (the paper's 4-class task)",
         fourClassNames()},
        {Task::NormalVsPneumonia,
         "normal-vs-pneumonia",
         "NORMAL against PNEUMONIA (bacteria, virus and COVID-19 together)",
         {kNormal, "PNEUMONIA"}},
        {Task::BacteriaVsVirus,
         "bacteria-vs-virus",
         "BACTERIA against VIRUS (COVID-19 counted as viral; NORMAL left out)",
         {kBacteria, kVirus}},
        {Task::DatasetClasses,
         "classes",
         "the dataset's own classes (any folder of class folders)",
         {}},
    };
    return table;
}

const TaskInfo &taskInfo(Task task) {
    for (const TaskInfo &info : tasks())
        if (info.task == task)
            return info;
    throw Error("unknown task value " + std::to_string(static_cast<int>(task)));
}

const char *taskName(Task task) { return taskInfo(task).name; }

std::optional<Task> parseTask(const std::string &name) {
    for (const TaskInfo &info : tasks())
        if (name == info.name)
            return info.task;
    return std::nullopt;
}

std::string taskNameList() {
    std::string list;
    const auto &all = tasks();
    for (std::size_t i = 0; i < all.size(); ++i)
        list += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + std::string(all[i].name);
    return list;
}

std::vector<std::string> taskClasses(Task task, const DatasetIndex &index) {
    return task == Task::DatasetClasses ? index.classes : taskInfo(task).classes;
}

TaskView viewForTask(const DatasetIndex &index, Task task) {
    TaskView view = makeView(index, task, taskClasses(task, index));
    requireEveryClass(index, view);
    return view;
}

TaskView viewForClasses(const DatasetIndex &index, const std::vector<std::string> &classes) {
    for (const TaskInfo &info : tasks())
        if (!info.classes.empty() && info.classes == classes)
            return viewForTask(index, info.task);
    // By name: dataset classes the model does not know are left out.
    TaskView view;
    view.task = Task::DatasetClasses;
    view.classes = classes;
    std::vector<int> map(index.classes.size(), -1);
    bool any = false;
    for (std::size_t c = 0; c < index.classes.size(); ++c) {
        const auto it = std::find(classes.begin(), classes.end(), index.classes[c]);
        if (it != classes.end()) {
            map[c] = static_cast<int>(it - classes.begin());
            any = true;
        }
    }
    if (!any)
        throw DatasetFormatError(index.root,
                                 "none of the dataset's classes is one of the model's classes");
    for (const Sample &sample : index.samples)
        view.labels.push_back(map[static_cast<std::size_t>(sample.label)]);
    return view;
}

} // namespace cxr
