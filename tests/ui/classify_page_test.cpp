// SPDX-License-Identifier: MIT
#include <QApplication>
#include <QComboBox>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QUrl>

#include <gtest/gtest.h>

#include "classify_page.h"
#include "data/phantoms.h"
#include "image_viewer.h"
#include "support/test_support.h"
#include "weights/checkpoint.h"

namespace cxr {
namespace {

void drop(QWidget *target, const QList<QUrl> &urls) {
    QMimeData data;
    data.setUrls(urls);
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent event(QPointF(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &event);
}

TEST(ClassifyPage, DroppedImageGetsProbabilitiesAndOverlayTextFileGetsAMessage) {
    test::TempDir dir;
    const PhantomImage phantom = renderPhantom("BACTERIA", 96, 3);
    test::writeImage(dir / "xray.png", phantom.image);
    test::writeFile(dir / "notes.txt", "not an image at all");
    Network network = makeNetwork(Architecture::ResNet50, 4);
    Preprocessing p;
    p.imageSize = 64;
    saveCheckpoint(dir / "m.pt",
                   makeCheckpoint(*network, {"NORMAL", "BACTERIA", "VIRUS", "COVID19"}, p));

    ui::ClassifyPage page;
    page.resize(1200, 800);
    QSignalSpy loaded(&page, &ui::ClassifyPage::modelLoaded);
    QSignalSpy shown(&page, &ui::ClassifyPage::imageShown);
    page.loadModel(QString::fromStdString((dir / "m.pt").string()));
    ASSERT_TRUE(loaded.wait(60000));
    ASSERT_TRUE(page.hasModel());

    drop(&page, {QUrl::fromLocalFile(QString::fromStdString((dir / "xray.png").string()))});
    ASSERT_TRUE(shown.wait(60000));
    const auto probabilities = page.probabilities();
    ASSERT_EQ(probabilities.size(), 4u);
    double sum = 0;
    for (float v : probabilities)
        sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-4);
    const QImage composed = page.viewer()->composedImage();
    EXPECT_EQ(composed.size(), QSize(96, 96));
    // The overlay colours the grey X-ray: some pixel is far from grey.
    int coloured = 0;
    for (int y = 0; y < composed.height(); ++y)
        for (int x = 0; x < composed.width(); ++x) {
            const QColor c = composed.pixelColor(x, y);
            coloured += std::abs(c.red() - c.blue()) > 30;
        }
    EXPECT_GT(coloured, 0);

    // Choosing a smoothing explains the image again, with another heatmap.
    auto *smoothing = page.findChild<QComboBox *>(QStringLiteral("smoothing"));
    ASSERT_NE(smoothing, nullptr);
    ASSERT_EQ(smoothing->count(), 3);
    smoothing->setCurrentIndex(smoothing->findData(QStringLiteral("flips")));
    ASSERT_TRUE(shown.wait(60000));
    const QImage smoothed = page.viewer()->composedImage();
    EXPECT_NE(smoothed, composed);
    // So do sub-cell shifts.
    auto *shifts = page.findChild<QComboBox *>(QStringLiteral("shifts"));
    ASSERT_NE(shifts, nullptr);
    ASSERT_EQ(shifts->count(), 3);
    shifts->setCurrentIndex(shifts->findData(2));
    ASSERT_TRUE(shown.wait(60000));
    EXPECT_NE(page.viewer()->composedImage(), smoothed);

    drop(&page, {QUrl::fromLocalFile(QString::fromStdString((dir / "notes.txt").string()))});
    ASSERT_TRUE(shown.wait(60000));
    EXPECT_TRUE(page.message().contains(QStringLiteral("notes.txt")))
        << page.message().toStdString();
    EXPECT_TRUE(page.message().contains(QStringLiteral("not a PNG")))
        << page.message().toStdString();
}

TEST(ClassifyPage, BadModelFileIsAMessage) {
    test::TempDir dir;
    test::writeFile(dir / "junk.pt", "junk");
    ui::ClassifyPage page;
    QSignalSpy status(&page, &ui::ClassifyPage::statusMessage);
    page.loadModel(QString::fromStdString((dir / "junk.pt").string()));
    for (int i = 0; i < 100 && !page.message().contains(QStringLiteral("Could not load")); ++i)
        status.wait(200);
    EXPECT_TRUE(page.message().contains(QStringLiteral("junk.pt"))) << page.message().toStdString();
    EXPECT_FALSE(page.hasModel());
}

TEST(ImageViewer, WindowLevelAndInvert) {
    ui::ImageViewer viewer;
    cv::Mat gray(4, 4, CV_32FC1, cv::Scalar(0.25));
    viewer.setImage(gray);
    EXPECT_EQ(viewer.composedImage().pixelColor(0, 0).red(), 64);
    viewer.setInverted(true);
    EXPECT_EQ(viewer.composedImage().pixelColor(0, 0).red(), 191);
}

} // namespace
} // namespace cxr
