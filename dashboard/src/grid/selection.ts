/** A cell by row index (in the grid's row order) and visible column index. */
export interface CellPos {
  row: number;
  col: number;
}

/** The selected cell rectangle: from the anchor (first click) to the focus (the active cell). */
export interface Range {
  anchor: CellPos | null;
  focus: CellPos | null;
}

export const emptyRange: Range = { anchor: null, focus: null };

export function inRange(range: Range, pos: CellPos): boolean {
  const { anchor, focus } = range;
  if (!anchor || !focus) return false;
  if (anchor.row === focus.row && anchor.col === focus.col) return false;
  return (
    pos.row >= Math.min(anchor.row, focus.row) &&
    pos.row <= Math.max(anchor.row, focus.row) &&
    pos.col >= Math.min(anchor.col, focus.col) &&
    pos.col <= Math.max(anchor.col, focus.col)
  );
}
