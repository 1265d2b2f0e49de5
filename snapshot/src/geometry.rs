//! Where the UI put things, for layout tests: the rectangles (logical pixels, window
//! coordinates) of the elements with a given accessible label — a Text's label is its text.

use i_slint_backend_testing::{ElementHandle, ElementRoot};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    /// The whole window of `width` × `height`.
    pub fn screen(width: u32, height: u32) -> Rect {
        Rect { x: 0.0, y: 0.0, w: width as f32, h: height as f32 }
    }

    pub fn of(e: &ElementHandle) -> Rect {
        let (p, s) = (e.absolute_position(), e.size());
        Rect { x: p.x, y: p.y, w: s.width, h: s.height }
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    pub fn area(&self) -> f32 {
        self.w * self.h
    }

    /// Inside `outer`, half a pixel of rounding allowed.
    pub fn within(&self, outer: &Rect) -> bool {
        self.x >= outer.x - 0.5
            && self.y >= outer.y - 0.5
            && self.right() <= outer.right() + 0.5
            && self.bottom() <= outer.bottom() + 0.5
    }
}

/// Every visible element labelled `label`, top to bottom (clipped-away and hidden ones are not
/// found).
pub fn labelled(root: &impl ElementRoot, label: &str) -> Vec<Rect> {
    let mut found: Vec<Rect> = ElementHandle::find_by_accessible_label(root, label).map(|e| Rect::of(&e)).collect();
    found.sort_by(|a, b| a.y.total_cmp(&b.y));
    found
}

/// Every instance of the component or element type `name`.
pub fn of_type(root: &impl ElementRoot, name: &str) -> Vec<Rect> {
    ElementHandle::find_by_element_type_name(root, name).map(|e| Rect::of(&e)).collect()
}
