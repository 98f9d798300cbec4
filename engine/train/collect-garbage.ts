/**
 * A full garbage collection on request. Building a model graph reads its weights into JS arrays,
 * and encoding it copies them again; once ONNX Runtime holds its own copy, both are garbage, but V8
 * frees them only at its next major collection, which may come after ONNX Runtime has allocated
 * its working memory: the process then peaks with the weights three or four times over (a 1B
 * float32 model: 8 GB of garbage). Collecting right then keeps the peak at what is live.
 *
 * V8 exposes gc() only behind a flag. Setting it at run time (v8.setFlagsFromString, which Node
 * warns may behave unpredictably for flags that change the VM's behavior; --expose-gc only adds a
 * global to new contexts) and taking gc from a fresh context reaches it without restarting the
 * process. Where that fails, nothing happens.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
