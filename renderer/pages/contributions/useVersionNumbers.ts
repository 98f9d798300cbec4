import { useEffect, useState } from 'react';
import { useApi } from '../../api';

/**
 * Version ids → their numbers ("v3" reads better than an id), for the datanets the records name.
 * One versions.list per datanet the records name.
 */
export function useVersionNumbers(records: readonly { datanetId: string; versionId: string }[]): ReadonlyMap<string, number> {
  const client = useApi();
  const [numbers, setNumbers] = useState<ReadonlyMap<string, number>>(new Map());
  // Asked again only when a datanet or version not seen before appears.
  const key = [...new Set(records.map((r) => `${r.datanetId}/${r.versionId}`))].sort().join(',');
  useEffect(() => {
    let current = true;
    const ids = [...new Set(key ? key.split(',').map((k) => k.split('/')[0]!) : [])];
    void Promise.all(ids.map((id) => client.call('versions.list', { datanet: id }).catch(() => []))).then((lists) => {
      if (!current) return;
      setNumbers(new Map(lists.flat().map((v) => [v.id, v.number])));
    });
    return () => {
      current = false;
    };
  }, [client, key]);
  return numbers;
}
