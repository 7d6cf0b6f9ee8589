import { FeedbackInbox } from '../../features/feedback/FeedbackInbox';
import { RequireRole } from '../RequireRole';

export default function FeedbackRoute() {
  return <RequireRole roles={['manager']}><FeedbackInbox /></RequireRole>;
}
