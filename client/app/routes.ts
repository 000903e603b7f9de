import { lazy } from 'react';
import type { RouteDef } from './route-types.ts';
import PublicMapPage from '../pages/public/index.tsx';
import { ROUTE_ACCESS } from './route-access.ts';

/**
 * The route table. To add a page: create `client/pages/<name>/index.tsx` (default export) and add one line here.
 * The first matching entry wins.
 */
export const routes: readonly RouteDef[] = [
  { path: '/', page: PublicMapPage, title: { vi: 'Bản đồ', en: 'Map' }, layout: 'full' },
  { path: '/c/:code', page: PublicMapPage, title: { vi: 'Bản đồ', en: 'Map' }, layout: 'full' },
  // the administrative view with the 63/34-province switch
  { path: '/provinces', page: lazy(() => import('../pages/map/index.tsx')), title: { vi: 'Đơn vị hành chính', en: 'Provinces' }, layout: 'full' },
  { path: '/public', page: PublicMapPage, title: { vi: 'Bản đồ cụm công nghiệp', en: 'Cluster map' }, layout: 'full' },
  { path: '/login', page: lazy(() => import('../pages/login/index.tsx')), title: { vi: 'Đăng nhập', en: 'Sign in' } },
  { path: '/editor', page: lazy(() => import('../pages/editor/index.tsx')), title: { vi: 'Biên tập', en: 'Editor' }, access: ROUTE_ACCESS['/editor'], nav: true, layout: 'full' },
  { path: '/review', page: lazy(() => import('../pages/review/index.tsx')), title: { vi: 'Thẩm định', en: 'Review' }, access: ROUTE_ACCESS['/review'], nav: true },
  { path: '/plan', page: lazy(() => import('../pages/plan/index.tsx')), title: { vi: 'Quy hoạch', en: 'Plan' }, access: ROUTE_ACCESS['/plan'], nav: true },
  { path: '/dashboard', page: lazy(() => import('../pages/dashboard/index.tsx')), title: { vi: 'Tổng quan', en: 'Dashboard' }, access: ROUTE_ACCESS['/dashboard'], nav: true },
  { path: '/reports', page: lazy(() => import('../pages/reports/index.tsx')), title: { vi: 'Báo cáo', en: 'Reports' }, access: ROUTE_ACCESS['/reports'], nav: true },
  { path: '/screening', page: lazy(() => import('../pages/screening/index.tsx')), title: { vi: 'Sàng lọc', en: 'Screening' }, access: ROUTE_ACCESS['/screening'], nav: true },
  { path: '/worklist/no-boundary', page: lazy(() => import('../pages/worklist/index.tsx')), title: { vi: 'Cụm chưa có ranh giới', en: 'Without a boundary' }, access: ROUTE_ACCESS['/worklist/no-boundary'], nav: true },
  { path: '/imports', page: lazy(() => import('../pages/imports/index.tsx')), title: { vi: 'Nhập dữ liệu', en: 'Imports' }, access: ROUTE_ACCESS['/imports'], nav: true },
  { path: '/analysis', page: lazy(() => import('../pages/analysis/index.tsx')), title: { vi: 'Phân tích', en: 'Analysis' }, nav: true, layout: 'full' },
  { path: '/admin/users', page: lazy(() => import('../pages/admin-users/index.tsx')), title: { vi: 'Người dùng', en: 'Users' }, access: ROUTE_ACCESS['/admin/users'], nav: true },
];
