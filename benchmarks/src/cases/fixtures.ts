/** The small cached value the Redis cases read and write: one menu item (~150 bytes of JSON). */
export const MENU_ITEM = {
  id: 'margherita',
  name: 'Margherita',
  price: 12.99,
  toppings: ['tomato', 'mozzarella', 'basil'],
  vegetarian: true,
  updatedAt: '2026-11-27T08:00:00.000Z',
};
