/**
 * Set-up of the web component tests. `waitFor` and `findBy…` wait up to 5 s instead of testing-library's
 * 1 s: the whole suite shares two cores with the server tests in CI, and a render that is merely
 * slow there must not read as a failure. A test that truly fails still fails, only later.
 */
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5000 });
