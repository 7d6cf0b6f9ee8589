import { createBrowserRouter, useRouteError } from 'react-router';
import { Alert } from '@mantine/core';
import { SignIn } from '../features/auth/SignIn';
import { Home, Layout } from './Layout';

function RouteError() {
  const error = useRouteError() as Error;
  return <Alert color="red" role="alert">{error?.message ?? String(error)}</Alert>;
}

/** Each page is its own chunk, loaded when first visited: the first load stays small. */
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default });

export const router = createBrowserRouter(
  [
    { path: '/signin', element: <SignIn /> },
    {
      path: '/',
      element: <Layout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Home /> },
        { path: 'incidents', lazy: page(() => import('./routes/board')) },
        { path: 'declare', lazy: page(() => import('./routes/declare')) },
        { path: 'incidents/:id', lazy: page(() => import('./routes/incident')) },
        { path: 'incidents/:id/calls', lazy: page(() => import('./routes/calls')) },
        { path: 'my', lazy: page(() => import('./routes/my')) },
        { path: 'feedback', lazy: page(() => import('./routes/feedback')) },
        { path: 'managers', lazy: page(() => import('./routes/managers')) },
        { path: 'templates', lazy: page(() => import('./routes/templates')) },
        { path: 'admin/imports', lazy: page(() => import('./routes/imports')) },
        { path: 'admin/keys', lazy: page(() => import('./routes/keys')) },
        { path: 'admin/audit', lazy: page(() => import('./routes/audit')) },
      ],
    },
  ],
  { basename: '/console' },
);
