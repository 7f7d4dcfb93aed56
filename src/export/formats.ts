export const EXPORT_FORMATS = ['csv', 'jsonl', 'mmaction', 'pytorchvideo', 'slowfast', 'videomae', 'tree', 'fiftyone', 'webdataset', 'hf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * VideoMAE opens each listed path as written, relative to wherever training runs: only absolute paths load there.
 * The other list formats take a root in their configs (`data_prefix`, `PATH_PREFIX`, a folder argument).
 */
export function defaultPaths(format: ExportFormat): 'relative' | 'absolute' {
  return format === 'videomae' ? 'absolute' : 'relative';
}
