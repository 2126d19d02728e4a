// esbuild bundles imported CSS into the sibling .css file anywidget loads as `_css`.
declare module "*.css";
