// SPDX-License-Identifier: MIT
#include "train/task.h"

#include <algorithm>

#include "data/class_names.h"
#include "errors.h"

namespace cxr {

const char *taskName(Task task) {
    switch (task) {
    case Task::FourClass:
        return "4class";
    case Task::NormalVsPneumonia:
        return "normal-vs-pneumonia";
    case Task::BacteriaVsVirus:
        break;
    }
    return "bacteria-vs-virus";
}

std::optional<Task> parseTask(const std::string &name) {
    for (Task task : {Task::FourClass, Task::NormalVsPneumonia, Task::BacteriaVsVirus})
        if (name == taskName(task))
            return task;
    return std::nullopt;
}

std::vector<std::string> taskClasses(Task task) {
    switch (task) {
    case Task::FourClass:
        return fourClassNames();
    case Task::NormalVsPneumonia:
        return {kNormal, "PNEUMONIA"};
    case Task::BacteriaVsVirus:
        break;
    }
    return {kBacteria, kVirus};
}

TaskView viewForTask(const DatasetIndex &index, Task task) {
    TaskView view;
    view.task = task;
    view.classes = taskClasses(task);
    // Dataset class -> task label (-1: left out on purpose).
    std::vector<int> map(index.classes.size(), -2);
    for (std::size_t c = 0; c < index.classes.size(); ++c) {
        const std::string &name = index.classes[c];
        switch (task) {
        case Task::FourClass: {
            const auto it = std::find(view.classes.begin(), view.classes.end(), name);
            if (it != view.classes.end())
                map[c] = static_cast<int>(it - view.classes.begin());
            break;
        }
        case Task::NormalVsPneumonia:
            if (name == kNormal)
                map[c] = 0;
            else if (name == kBacteria || name == kVirus || name == kCovid19 || name == "PNEUMONIA")
                map[c] = 1;
            break;
        case Task::BacteriaVsVirus:
            if (name == kBacteria)
                map[c] = 0;
            else if (name == kVirus || name == kCovid19)
                map[c] = 1;
            else if (name == kNormal)
                map[c] = -1;
            break;
        }
        if (map[c] == -2)
            throw DatasetFormatError(index.root,
                                     "the class \"" + name + "\" has no place in the " +
                                         taskName(task) + " task");
    }
    std::vector<std::size_t> perClass(view.classes.size(), 0);
    view.labels.reserve(index.samples.size());
    for (const Sample &sample : index.samples) {
        const int label = map[static_cast<std::size_t>(sample.label)];
        view.labels.push_back(label);
        if (label >= 0)
            ++perClass[static_cast<std::size_t>(label)];
    }
    for (std::size_t c = 0; c < perClass.size(); ++c)
        if (perClass[c] == 0)
            throw DatasetFormatError(index.root,
                                     "the " + std::string(taskName(task)) +
                                         " task needs images of class " + view.classes[c] +
                                         ", and the dataset has none");
    return view;
}

} // namespace cxr
