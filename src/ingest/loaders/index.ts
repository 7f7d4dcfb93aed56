import type { FileFormat } from '../../sources/bucket-layout.js';
import { loadAnnotationsCsv, loadLsRListing } from './annotations.js';
import { loadAvaKinetics } from './ava-kinetics.js';
import { loadCountix } from './countix.js';
import type { Loader } from './load-context.js';
import { loadPathList } from './path-list.js';
import { loadReadme } from './readme.js';

export const loaders: Record<FileFormat, Loader> = {
  'annotations-csv': loadAnnotationsCsv,
  'ls-r-listing': loadLsRListing,
  'path-list': loadPathList,
  readme: loadReadme,
  'ava-kinetics': loadAvaKinetics,
  countix: loadCountix,
};
