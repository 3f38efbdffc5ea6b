/**
 * The data browser: the class list (counts asked lazily, per visible class) and the live grid of
 * the open class. Route: /dashboard/data/<className>/<objectId?> (an objectId shows that object,
 * as pointer cells link).
 *
 * data-testid attributes (for the browser tests):
 *   class-filter, class-<className>, count-<className>        class list, its search box, lazy counts
 *   class-title, class-total, live-status ("● live"), refresh  toolbar
 *   filter-button, filter-builder, filter-row-<i>, filter-field-<i>, filter-op-<i>, filter-value-<i>,
 *   filter-add, filter-apply, filter-clear, filter-where (the where JSON shown), where-json (when closed)
 *   views-select, view-save, view-name, view-save-confirm, view-delete          saved views
 *   columns-button, columns-menu, column-visible-<field>, column-up-<field>, column-down-<field>, columns-reset
 *   grid (focusable; arrows, Enter, Escape, Ctrl/Cmd+C, Space selects the row), select-all,
 *   header-<field> (draggable), sort-<field> (click: ASC → DESC → none), resize-<field>
 *   row-<objectId>, select-<objectId>, cell-<objectId>-<field>, cell-editor (the in-cell input),
 *   pointer-<objectId>-<field>, relation-<objectId>-<field>, grid-empty
 *   add-row, add-row-dialog, add-field-<field>, add-row-save, add-row-error
 *   clone-row, delete-rows, confirm-dialog, confirm-ok, confirm-cancel
 *   value-dialog, value-text, geo-lat, geo-lng, value-save, value-unset
 *   acl-dialog, acl-public, acl-entry-<who>, acl-new, acl-add, acl-save
 *   relation-dialog, related-<objectId>, detach-<objectId>, relation-attach-id, relation-attach,
 *   relation-new-fields, relation-create
 *   export-csv, export-json, import, import-dialog, import-file, import-preview, import-errors,
 *   import-run, import-result
 *   toast-info, toast-error (shell)
 */
import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from '../../api/index.ts';
import { useGql } from '../../api/gql.ts';
import { navigate, routePath } from '../../api/router.ts';
import type { ClassInfo } from '../../grid/types.ts';
import '../../styles/grid.css';
import '../../styles/data.css';
import { ClassList } from './ClassList.tsx';
import { ClassView } from './ClassView.tsx';
import { CLASSES } from './queries.ts';

export default function DataBrowser({ session, args }: ScreenProps) {
  const gql = useGql();
  const [classes, setClasses] = useState<ClassInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [className, objectId] = args;

  useEffect(() => {
    gql<{ classes: ClassInfo[] }>(CLASSES)
      .then((d) => setClasses([...d.classes].sort((a, b) => a.className.localeCompare(b.className))))
      .catch((e: Error) => setError(e.message));
  }, [gql]);

  // No class in the URL: open the first one.
  useEffect(() => {
    if (!className && classes?.length) navigate(routePath('data', classes[0]!.className), true);
  }, [className, classes]);

  if (error)
    return (
      <div class="screen-message" role="alert">
        {error}
      </div>
    );
  if (!classes) return <div class="screen-message muted">Loading classes…</div>;
  const cls = classes.find((c) => c.className === className);
  return (
    <div class="data-browser">
      <ClassList classes={classes} current={className ?? null} onOpen={(name) => navigate(routePath('data', name))} />
      {cls ? (
        <ClassView key={cls.className} cls={cls} classes={classes} session={session} objectId={objectId} />
      ) : (
        <div class="screen-message muted">{classes.length ? (className ? `No class named ${className}.` : '') : 'No class yet: create one in Schema.'}</div>
      )}
    </div>
  );
}
