import { defineDict } from '../../i18n/index.tsx';

export const dict = defineDict({
  vi: {
    title: 'Đăng nhập',
    intro: 'Dành cho cán bộ Sở Công Thương, Bộ Công Thương và quản trị hệ thống.',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    submitting: 'Đang đăng nhập…',
    badCredentials: 'Tên đăng nhập hoặc mật khẩu không đúng.',
    tooMany: 'Quá nhiều lần thử. Vui lòng đợi một lát rồi thử lại.',
    unavailable: 'Chức năng đăng nhập chưa sẵn sàng.',
    failed: 'Không đăng nhập được: {message}',
    signedInAs: 'Bạn đang đăng nhập với tài khoản {name} ({role}).',
    continue: 'Tiếp tục',
  },
  en: {
    title: 'Sign in',
    intro: 'For staff of provincial Departments of Industry and Trade, the Ministry and administrators.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    badCredentials: 'Wrong username or password.',
    tooMany: 'Too many attempts. Please wait a moment and try again.',
    unavailable: 'Sign-in is not available yet.',
    failed: 'Could not sign in: {message}',
    signedInAs: 'You are signed in as {name} ({role}).',
    continue: 'Continue',
  },
});
