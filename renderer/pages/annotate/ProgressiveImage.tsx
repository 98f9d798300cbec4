import { useEffect, useState } from 'react';
import type { ItemContent } from '../../../shared/datanets/item';

type Image = NonNullable<ItemContent['image']>;

/** Above this many pixels the full picture is decoded only when asked for (zoom): 8000×8000 is 256 MB decoded. */
const EAGER_PIXELS = 16_000_000;

interface Props {
  image: Image;
  alt: string;
  /** Ask for the full-size picture even when it is huge (the user zoomed in). */
  full?: boolean;
  className?: string;
}

/**
 * The thumbnail at once, then the full picture once the browser has decoded it off the main
 * thread (img.decode), so a large image never blocks the page while it loads.
 */
export function ProgressiveImage({ image, alt, full = false, className }: Props) {
  const fullSrc = `/blobs/${image.cid}`;
  const first = image.thumbCid ? `/blobs/${image.thumbCid}` : fullSrc;
  const [loaded, setLoaded] = useState<string | null>(null);
  const wantFull = full || image.width * image.height <= EAGER_PIXELS;

  useEffect(() => {
    if (!wantFull || first === fullSrc) return;
    let current = true;
    const img = new Image();
    img.src = fullSrc;
    img.decode().then(
      () => current && setLoaded(fullSrc),
      () => {}, // The thumbnail stays; nothing is lost.
    );
    return () => {
      current = false;
    };
  }, [wantFull, first, fullSrc]);

  return <img className={className} src={loaded ?? first} alt={alt} draggable={false} decoding="async" />;
}
