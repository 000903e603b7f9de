import type { ComponentType, LazyExoticComponent } from 'react';
import type { RouteAccess } from './route-access.ts';
import type { Bilingual } from '../i18n/dictionary.ts';

/** What every page component receives. */
export interface PageProps {
  /** Path parameters, e.g. `{ code }` for `/c/:code`. */
  params: Record<string, string>;
}

export type PageComponent = ComponentType<PageProps> | LazyExoticComponent<ComponentType<PageProps>>;

export interface RouteDef {
  /** `/plan`, `/c/:code` … */
  path: string;
  page: PageComponent;
  /** Document title and nav label. */
  title?: Bilingual;
  /** Who may open it: 'public' (default), 'user' (any signed-in account), the roles that may do an action of
   *  server/domain/permissions.ts (`{ may: 'edit' }`, the server's own rule), or a list of roles. */
  access?: RouteAccess;
  /** Shown in the header nav (to those allowed). */
  nav?: boolean;
  /** 'full': the page fills the viewport under the header (maps); 'page': a padded, scrolling document. */
  layout?: 'full' | 'page';
}
