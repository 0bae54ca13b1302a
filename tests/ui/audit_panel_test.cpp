// SPDX-License-Identifier: MIT
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include <gtest/gtest.h>

#include "audit_panel.h"
#include "data/dataset_scan.h"
#include "data/phantoms.h"
#include "support/test_support.h"

namespace cxr {
namespace {
namespace fs = std::filesystem;

// A phantom dataset with one training image copied into test: the Audit tab
// runs in the background, lists the copy under leakage with both images
// side by side, offers to train without it, and answers a second run from
// its cache.
TEST(AuditPanel, ShowsALeakedCopyAndOffersToTrainWithoutIt) {
    test::TempDir dir;
    PhantomOptions options;
    options.trainPerClass = 12;
    options.testPerClass = 3;
    options.size = 128;
    writePhantomDataset(dir / "data", options);
    fs::path original;
    for (const auto &entry : fs::directory_iterator(dir / "data/train/COVID19"))
        if (entry.path().extension() == ".png" &&
            entry.path().filename().string().find("mask") == std::string::npos &&
            (original.empty() || entry.path() < original))
            original = entry.path();
    ASSERT_FALSE(original.empty());
    fs::copy_file(original, dir / "data/test/COVID19/copy.png");
    auto index = std::make_shared<const DatasetIndex>(scan(dir / "data"));

    ui::AuditPanel panel;
    panel.resize(1200, 700);
    panel.show();
    panel.setDataset(index);
    QSignalSpy audited(&panel, &ui::AuditPanel::audited);
    QSignalSpy train(&panel, &ui::AuditPanel::trainWithout);
    auto *run = panel.findChild<QPushButton *>(QStringLiteral("runAudit"));
    ASSERT_TRUE(run && run->isEnabled());
    run->click();
    EXPECT_FALSE(run->isEnabled()); // busy: the work runs off the GUI thread
    ASSERT_TRUE(audited.wait(60000));

    QTreeWidget *findings = panel.findings();
    QTreeWidgetItem *leakage = findings->topLevelItem(0);
    ASSERT_NE(leakage, nullptr);
    EXPECT_TRUE(leakage->text(0).startsWith(QStringLiteral("Copies across splits")));
    QTreeWidgetItem *copy = nullptr;
    for (int i = 0; i < leakage->childCount(); ++i)
        if (leakage->child(i)->text(0).contains(QStringLiteral("exact")))
            copy = leakage->child(i);
    ASSERT_NE(copy, nullptr);
    findings->setCurrentItem(copy);
    ASSERT_EQ(panel.images()->count(), 2);
    EXPECT_TRUE(panel.images()->item(1)->text().contains(QStringLiteral("copy.png")) ||
                panel.images()->item(0)->text().contains(QStringLiteral("copy.png")));
    // The thumbnails arrive from a worker thread.
    for (int wait = 0; wait < 100 && panel.images()->item(0)->icon().isNull(); ++wait)
        QTest::qWait(50);
    EXPECT_FALSE(panel.images()->item(0)->icon().isNull());

    EXPECT_TRUE(panel.exclusions().contains(QStringLiteral("test/COVID19/copy.png")));
    auto *without = panel.findChild<QPushButton *>(QStringLiteral("trainWithout"));
    ASSERT_TRUE(without && without->isEnabled());
    without->click();
    ASSERT_EQ(train.count(), 1);
    EXPECT_TRUE(
        train.first().first().toStringList().contains(QStringLiteral("test/COVID19/copy.png")));

    // Unchanged files: the second audit is the first one, kept.
    const auto first = panel.audit();
    run->click();
    ASSERT_TRUE(audited.wait(10000));
    EXPECT_EQ(panel.audit(), first);
}

} // namespace
} // namespace cxr
