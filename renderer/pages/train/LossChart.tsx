import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { EvalPoint, RunPoint } from './run-points';

const HEIGHT = 240;

/** A theme colour as the canvas needs it: the token resolved through a probe element (light-dark() included). */
function tokenColor(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/** Bumps when the theme changes (the OS scheme, or the app's pinned one), so the canvas is redrawn in its colours. */
function useThemeKey(): number {
  const [key, setKey] = useState(0);
  useEffect(() => {
    const bump = () => setKey((k) => k + 1);
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media.removeEventListener('change', bump);
      observer.disconnect();
    };
  }, []);
  return key;
}

/** Steps in order, train and eval points on their own steps; a resumed run's points replace those of the steps it went over again. */
function chartData(points: readonly RunPoint[], evals: readonly EvalPoint[]): uPlot.AlignedData {
  const train = new Map<number, RunPoint>();
  for (const p of points) train.set(p.step, p);
  const evalAt = new Map(evals.map((e) => [e.step, e.loss]));
  const steps = [...new Set([...train.keys(), ...evalAt.keys()])].sort((a, b) => a - b);
  return [steps, steps.map((s) => train.get(s)?.loss ?? null), steps.map((s) => evalAt.get(s) ?? null), steps.map((s) => train.get(s)?.tokensPerSecond ?? null)];
}

/**
 * Train loss, eval loss and tokens/s against the step, drawn with uPlot as the points arrive. The
 * canvas is hidden from assistive tech: the caption under it says the same in words. The default
 * export, for React.lazy: uPlot loads with the Train page's first chart, not with the app.
 */
export default function LossChart({ points, evals, caption }: { points: readonly RunPoint[]; evals: readonly EvalPoint[]; caption: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const themeKey = useThemeKey();
  const data = useMemo(() => chartData(points, evals), [points, evals]);
  // The newest data, for a chart redrawn in another theme's colours.
  const latest = useRef(data);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = tokenColor('--text-muted');
    const grid = tokenColor('--border');
    const axis = (label: string, scale: string, right = false): uPlot.Axis => ({
      label,
      scale,
      stroke: text,
      grid: { stroke: grid, width: 1, show: !right },
      ticks: { stroke: grid, width: 1 },
      // uPlot's Side is a const enum, which isolatedModules cannot name: 1 is Right.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
      ...(right ? { side: 1, size: 72 } : {}),
    });
    const chart = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        scales: { x: { time: false } },
        axes: [axis('step', 'x'), axis('loss', 'loss'), axis('tokens/s', 'tps', true)],
        series: [
          {},
          { label: 'train loss', scale: 'loss', stroke: tokenColor('--accent'), width: 2, spanGaps: true },
          { label: 'eval loss', scale: 'loss', stroke: tokenColor('--warning'), width: 2, spanGaps: true, points: { show: true, size: 6 } },
          { label: 'tokens/s', scale: 'tps', stroke: tokenColor('--success'), width: 1, dash: [4, 4], spanGaps: true },
        ],
      },
      latest.current,
      el,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [themeKey]);

  useEffect(() => {
    latest.current = data;
    plot.current?.setData(data);
  }, [data]);

  return (
    <figure className="loss-chart" data-testid="loss-chart" data-points={points.length} data-evals={evals.length}>
      <div className="loss-chart-legend" aria-hidden="true">
        <span className="legend-train">train loss</span>
        <span className="legend-eval">eval loss</span>
        <span className="legend-speed">tokens/s</span>
      </div>
      <div ref={box} className="loss-chart-canvas" aria-hidden="true" />
      <figcaption className="loss-chart-caption" data-testid="loss-chart-caption">
        {caption}
      </figcaption>
    </figure>
  );
}
