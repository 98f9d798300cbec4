import path from 'node:path';
import type { Db } from '../store/database';
import { BlobStore } from '../store/blobs';
import { Annotations } from './annotations';
import { localAuthor } from './author';
import { Datanets } from './datanets';
import { Imports } from './import/imports';
import { Items } from './items';
import { Versions } from './versions';

/** The datanet store's parts over one database and one blob folder. */
export interface DatanetService {
  datanets: Datanets;
  items: Items;
  annotations: Annotations;
  imports: Imports;
  blobs: BlobStore;
  versions: Versions;
  author: string;
  db: Db;
  /** Stops background work; call before the database closes. */
  close(): void;
}

export function openDatanets(db: Db, dataDir: string): DatanetService {
  const items = new Items(db);
  const blobs = new BlobStore(path.join(dataDir, 'blobs'));
  blobs.sweep();
  const imports = new Imports(db);
  imports.markInterrupted();
  // Label words a crash kept out of the search index go in now.
  items.flushLabelIndex();
  return {
    datanets: new Datanets(db),
    items,
    annotations: new Annotations(db, items),
    imports,
    blobs,
    versions: new Versions(db),
    author: localAuthor(),
    db,
    close: () => items.close(),
  };
}
