import { TemplatePreview } from '../../features/templates/TemplatePreview';
import { RequireRole } from '../RequireRole';

export default function TemplatesRoute() {
  return <RequireRole roles={['noc']}><TemplatePreview /></RequireRole>;
}
