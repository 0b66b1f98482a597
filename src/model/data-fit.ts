// Whether a dataset suits a network: image shape against the network's input, class names against
// the classify layer. Shared by both backends' setData and the Trainer, so a mismatch is reported
// before any work with the same message everywhere. Not dataset validation (src/data/dataset.ts).

import type { Dataset } from '../data/dataset.ts';
import type { NetworkDescription } from './shapes.ts';

/** Throws an Error naming what differs and the fix, or returns quietly when the dataset fits. */
export function assertDatasetFits(description: NetworkDescription, dataset: Dataset): void {
  const [channels, height, width] = description.input;
  const { channels: dataChannels, imageHeight, imageWidth } = dataset;
  if (channels !== dataChannels || height !== imageHeight || width !== imageWidth) {
    throw new Error(
      `The network takes ${channels}x${height}x${width} images but ${dataset.name} has ` +
        `${dataChannels}x${imageHeight}x${imageWidth}; set the network input to ` +
        `{ channels: ${dataChannels}, height: ${imageHeight}, width: ${imageWidth} }`,
    );
  }
  const head = description.layers.at(-1);
  const classes = dataset.classNames.length;
  if (head?.kind !== 'classify' || head.dense.outFeatures !== classes) {
    const has = head?.kind === 'classify' ? `classify ${head.dense.outFeatures}` : 'no classify layer';
    throw new Error(
      `${dataset.name} has ${classes} classes but the network ends with ${has}; ` +
        `end it with { kind: 'classify', classes: ${classes} }`,
    );
  }
}
