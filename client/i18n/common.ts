import { defineDict } from './dictionary.ts';

/** Strings shared by the shell and several pages. Page-only strings belong in the page's own i18n.ts. */
export const commonDict = defineDict({
  vi: {
    'app.name': 'Cluster Atlas',
    'app.tagline': 'Bản đồ cụm công nghiệp Việt Nam',
    'nav.map': 'Bản đồ',
    'nav.menu': 'Menu',
    'nav.main': 'Điều hướng chính',
    'lang.switch': 'Ngôn ngữ',
    'auth.login': 'Đăng nhập',
    'auth.logout': 'Đăng xuất',
    'auth.loginRequired': 'Bạn cần đăng nhập để xem trang này.',
    'auth.forbidden': 'Tài khoản của bạn không có quyền truy cập trang này.',
    'common.loading': 'Đang tải…',
    'common.close': 'Đóng',
    'common.retry': 'Thử lại',
    'common.error': 'Đã xảy ra lỗi',
    'common.notFound': 'Không tìm thấy trang',
    'common.backToMap': 'Về bản đồ',
    'common.comingSoon': 'Trang này đang được xây dựng và sẽ sớm ra mắt.',
  },
  en: {
    'app.name': 'Cluster Atlas',
    'app.tagline': "Vietnam's industrial clusters map",
    'nav.map': 'Map',
    'nav.menu': 'Menu',
    'nav.main': 'Main navigation',
    'lang.switch': 'Language',
    'auth.login': 'Sign in',
    'auth.logout': 'Sign out',
    'auth.loginRequired': 'Please sign in to view this page.',
    'auth.forbidden': 'Your account is not allowed to open this page.',
    'common.loading': 'Loading…',
    'common.close': 'Close',
    'common.retry': 'Retry',
    'common.error': 'Something went wrong',
    'common.notFound': 'Page not found',
    'common.backToMap': 'Back to the map',
    'common.comingSoon': 'This page is being built and is coming soon.',
  },
});

export type CommonKey = keyof typeof commonDict.vi;
