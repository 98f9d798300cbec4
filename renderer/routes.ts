import type { ComponentType } from 'react';
import { PAGE_IDS, type PageId } from './route';
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
  readonly id: PageId;
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

// Every page id has its page, in the same order as PAGE_IDS: a mismatch is a compile error.
type Ids<T extends readonly { id: string }[]> = { [K in keyof T]: T[K]['id'] };
export const PAGE_ORDER: Ids<typeof PAGES> = PAGE_IDS;
