// SPDX-License-Identifier: MIT
#include "image_browser.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSplitter>
#include <QVBoxLayout>

#include <QtConcurrent/QtConcurrentRun>

#include "data/image_decode.h"
#include "gray_image.h"
#include "thumbnail_model.h"

namespace cxr::ui {

ImageBrowser::ImageBrowser(QWidget *parent)
    : QWidget(parent), m_model(new ThumbnailModel(this)), m_view(new QListView(this)),
      m_class(new QComboBox(this)), m_split(new QComboBox(this)), m_search(new QLineEdit(this)),
      m_count(new QLabel(this)), m_preview(new QLabel(this)), m_metadata(new QLabel(this)) {
    m_view->setModel(m_model);
    m_view->setViewMode(QListView::IconMode);
    m_view->setIconSize(QSize(ThumbnailModel::kThumbnailSize, ThumbnailModel::kThumbnailSize));
    m_view->setGridSize(
        QSize(ThumbnailModel::kThumbnailSize + 24, ThumbnailModel::kThumbnailSize + 30));
    m_view->setUniformItemSizes(true);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    // Lay out in batches so a 6,000-image dataset appears at once.
    m_view->setLayoutMode(QListView::Batched);
    m_view->setBatchSize(200);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);

    m_class->setObjectName(QStringLiteral("classFilter"));
    m_split->setObjectName(QStringLiteral("splitFilter"));
    m_search->setObjectName(QStringLiteral("search"));
    m_view->setObjectName(QStringLiteral("thumbnails"));
    m_preview->setObjectName(QStringLiteral("preview"));
    m_search->setPlaceholderText(tr("search file names"));
    m_search->setClearButtonEnabled(true);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Class:"), this));
    filters->addWidget(m_class);
    filters->addWidget(new QLabel(tr("Split:"), this));
    filters->addWidget(m_split);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_count);

    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumSize(260, 260);
    m_preview->setStyleSheet(QStringLiteral("QLabel { background: #141414; color: #ccc; }"));
    m_preview->setText(tr("Select an image"));
    m_metadata->setWordWrap(true);
    m_metadata->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metadata->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_preview, 1);
    sideLayout->addWidget(m_metadata);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(split, 1);

    connect(
        m_class, qOverload<int>(&QComboBox::currentIndexChanged), this, &ImageBrowser::applyFilter);
    connect(
        m_split, qOverload<int>(&QComboBox::currentIndexChanged), this, &ImageBrowser::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, &ImageBrowser::applyFilter);
    connect(m_view->selectionModel(),
            &QItemSelectionModel::currentChanged,
            this,
            &ImageBrowser::showSelected);
    connect(&m_watcher, &QFutureWatcher<Preview>::finished, this, [this] {
        if (m_watcher.property("generation").toULongLong() != m_previewGeneration)
            return; // the selection or the dataset changed meanwhile
        const Preview preview = m_watcher.result();
        if (preview.image.isNull())
            m_preview->setText(tr("Cannot display this image"));
        else
            m_preview->setPixmap(
                QPixmap::fromImage(preview.image)
                    .scaled(m_preview->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        m_metadata->setText(preview.metadata);
        Q_EMIT previewShown();
    });
}

ImageBrowser::~ImageBrowser() { m_watcher.waitForFinished(); }

QString ImageBrowser::metadataText() const { return m_metadata->text(); }

void ImageBrowser::setIndex(std::shared_ptr<const DatasetIndex> index) {
    m_index = std::move(index);
    const QSignalBlocker blockClass(m_class), blockSplit(m_split);
    m_class->clear();
    m_split->clear();
    m_class->addItem(tr("all"), -1);
    m_split->addItem(tr("all"), -1);
    if (m_index) {
        for (std::size_t c = 0; c < m_index->classes.size(); ++c)
            m_class->addItem(QString::fromStdString(m_index->classes[c]), static_cast<int>(c));
        for (Split s : {Split::Train, Split::Val, Split::Test, Split::Unsplit})
            if (m_index->hasSplit(s))
                m_split->addItem(QString::fromLatin1(splitName(s)), static_cast<int>(s));
    }
    m_model->setIndex(m_index);
    clearPreview(); // an image of the old dataset must not stay on show
    applyFilter();
}

void ImageBrowser::clearPreview() {
    m_shown.reset();
    ++m_previewGeneration;
    m_preview->clear();
    m_preview->setText(tr("Select an image"));
    m_metadata->clear();
}

void ImageBrowser::applyFilter() {
    const int split = m_split->currentData().toInt();
    m_model->setFilter(m_class->currentData().toInt(),
                       split < 0,
                       static_cast<Split>(std::max(0, split)),
                       m_search->text().trimmed());
    const int rows = m_model->rowCount();
    m_count->setText(rows == 1 ? tr("1 image") : tr("%1 images").arg(rows));
    // The preview shows only an image the filter lets through.
    bool shownVisible = false;
    for (int row = 0; m_shown && row < rows && !shownVisible; ++row)
        shownVisible = m_model->sampleAt(row) == *m_shown;
    if (!shownVisible)
        clearPreview();
}

void ImageBrowser::showSelected() {
    const QModelIndex current = m_view->currentIndex();
    if (!m_index || !current.isValid())
        return;
    m_shown = m_model->sampleAt(current.row());
    const Sample sample = m_index->samples[*m_shown];
    const QString className =
        QString::fromStdString(m_index->classes[static_cast<std::size_t>(sample.label)]);
    // No waiting for an earlier preview: its result is dropped when it comes.
    const quint64 generation = ++m_previewGeneration;
    m_watcher.setProperty("generation", generation);
    m_watcher.setFuture(QtConcurrent::run([sample, className]() -> Preview {
        Preview preview;
        QString details;
        try {
            const DecodedImage decoded = decodeImage(sample.path);
            preview.image = grayToQImage(decoded.pixels, 1024); // the preview never needs more
            details = QObject::tr("%1 × %2 px · %3 · %4-bit · %5 channel(s)")
                          .arg(decoded.header.width)
                          .arg(decoded.header.height)
                          .arg(QString::fromLatin1(imageFormatName(decoded.header.format)))
                          .arg(decoded.header.bitDepth)
                          .arg(decoded.header.channels);
        } catch (const std::exception &e) {
            details = QObject::tr("cannot decode: %1").arg(QString::fromStdString(e.what()));
        }
        preview.metadata =
            QObject::tr(
                "<b>%1</b><br>%2<br>class <b>%3</b> · split %4 · patient %5<br><small>%6</small>")
                .arg(QString::fromStdString(sample.path.filename().string()).toHtmlEscaped(),
                     details,
                     className,
                     QString::fromLatin1(splitName(sample.split)),
                     sample.patientId.empty() ? QObject::tr("unknown")
                                              : QString::fromStdString(sample.patientId),
                     QString::fromStdString(sample.path.parent_path().string()).toHtmlEscaped());
        return preview;
    }));
}

} // namespace cxr::ui
