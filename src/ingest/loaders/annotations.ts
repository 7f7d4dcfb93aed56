import { annotationWriter } from '../../catalog/clips.js';
import { parseAnnotationsCsv } from '../parsers/annotations-csv.js';
import { parseLsRListing } from '../parsers/ls-r-listing.js';
import { type LoadContext, type Loader, deleteRowsOf } from './load-context.js';

/** Annotation CSVs and K600's `ls -R` listings both become clip rows; the version's class list follows. */
function annotationLoader(parse: typeof parseAnnotationsCsv): Loader {
  return async (body, context: LoadContext) => {
    deleteRowsOf(context, 'source_labels');
    const writer = annotationWriter(context.catalog, context.sourceId, context.file.version!, context.file.split!, context.loadedBefore);
    const clipsByLabel = new Map<string, number>();
    const { rows, repeats } = await parse(body, context.displayName, context.file.split!, (record) => {
      if (record.label !== null) clipsByLabel.set(record.label, (clipsByLabel.get(record.label) ?? 0) + 1);
      writer.add(record);
      context.counters.rows++;
    });
    writer.finish(clipsByLabel);
    return { rows, notes: repeats > 0 ? [`${repeats} repeated clip rows kept once`] : [] };
  };
}

export const loadAnnotationsCsv = annotationLoader(parseAnnotationsCsv);
export const loadLsRListing = annotationLoader(parseLsRListing);
