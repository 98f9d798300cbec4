import type { ComponentType } from 'react';
import { hrefOf, parseRoute, type Route } from './route';
import {
  AnnotateIcon,
  ContributionsIcon,
  DatanetsIcon,
  ModelsIcon,
  PlaygroundIcon,
  SettingsIcon,
  TrainIcon,
  WalletIcon,
  type Icon,
} from './components/icons';
import { AnnotatePage } from './pages/AnnotatePage';
import { ContributionsPage } from './pages/ContributionsPage';
import { DatanetsPage } from './pages/DatanetsPage';
import { ModelsPage } from './pages/ModelsPage';
import { PlaygroundPage } from './pages/PlaygroundPage';
import { SettingsPage } from './pages/SettingsPage';
import { TrainPage } from './pages/TrainPage';
import { WalletPage } from './pages/WalletPage';

export interface PageDef {
  /** Also the hash (`#/<id>`) and the suffix of the `nav-` and `page-` test ids. */
  readonly id: string;
  readonly label: string;
  readonly icon: Icon;
  readonly component: ComponentType;
}

/** Sidebar order; Ctrl/Cmd+1..8 follow it. */
export const PAGES = [
  { id: 'datanets', label: 'Datanets', icon: DatanetsIcon, component: DatanetsPage },
  { id: 'annotate', label: 'Annotate', icon: AnnotateIcon, component: AnnotatePage },
  { id: 'train', label: 'Train', icon: TrainIcon, component: TrainPage },
  { id: 'models', label: 'Models', icon: ModelsIcon, component: ModelsPage },
  { id: 'playground', label: 'Playground', icon: PlaygroundIcon, component: PlaygroundPage },
  { id: 'contributions', label: 'Contributions', icon: ContributionsIcon, component: ContributionsPage },
  { id: 'wallet', label: 'Wallet', icon: WalletIcon, component: WalletPage },
  { id: 'settings', label: 'Settings', icon: SettingsIcon, component: SettingsPage },
] as const satisfies readonly PageDef[];

export type PageId = (typeof PAGES)[number]['id'];
export const DEFAULT_PAGE: PageId = 'datanets';
const PAGE_IDS: readonly PageId[] = PAGES.map((p) => p.id);

export const pageHref = (id: PageId, ...params: readonly string[]): string => hrefOf(id, params);
export const routeFromHash = (hash: string): Route<PageId> => parseRoute(hash, PAGE_IDS, DEFAULT_PAGE);
export const pageFromHash = (hash: string): PageId => routeFromHash(hash).page;
export const routeHref = (route: Route<PageId>): string => hrefOf(route.page, route.params);
