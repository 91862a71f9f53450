import type { Ingredient, MenuItem } from '../domain/types.js';

/** Mario's menu, written to the database on first start. The first three are the seed's "popular menus". */
export const SEED_MENU: readonly MenuItem[] = [
  {
    id: 'margherita',
    name: 'Margherita',
    description: 'Tomato, mozzarella, basil',
    price: 12.99,
    ingredients: { dough: 1, tomato_sauce: 1, mozzarella: 2, basil: 1 },
    available: true,
  },
  {
    id: 'pepperoni',
    name: 'Pepperoni',
    description: 'Tomato, mozzarella, pepperoni',
    price: 15.99,
    ingredients: { dough: 1, tomato_sauce: 1, mozzarella: 2, pepperoni: 2 },
    available: true,
  },
  {
    id: 'quattro_stagioni',
    name: 'Quattro Stagioni',
    description: 'Tomato, mozzarella, ham, mushrooms, artichokes, olives',
    price: 16.49,
    ingredients: { dough: 1, tomato_sauce: 1, mozzarella: 2, ham: 1, mushrooms: 1, artichokes: 1, olives: 1 },
    available: true,
  },
  {
    id: 'marinara',
    name: 'Marinara',
    description: 'Tomato, garlic, oregano',
    price: 9.99,
    ingredients: { dough: 1, tomato_sauce: 2, garlic: 1 },
    available: true,
  },
  {
    id: 'diavola',
    name: 'Diavola',
    description: 'Tomato, mozzarella, spicy salami, chili',
    price: 15.49,
    ingredients: { dough: 1, tomato_sauce: 1, mozzarella: 2, pepperoni: 2, chili: 1 },
    available: true,
  },
  {
    id: 'funghi',
    name: 'Funghi',
    description: 'Tomato, mozzarella, mushrooms',
    price: 13.99,
    ingredients: { dough: 1, tomato_sauce: 1, mozzarella: 2, mushrooms: 2 },
    available: true,
  },
];

/** The pantry on first start. */
export const SEED_INGREDIENTS: readonly Ingredient[] = [
  { id: 'dough', name: 'Dough ball', unit: 'piece', stock: 500 },
  { id: 'tomato_sauce', name: 'Tomato sauce', unit: 'ladle', stock: 600 },
  { id: 'mozzarella', name: 'Mozzarella', unit: 'portion', stock: 800 },
  { id: 'basil', name: 'Basil', unit: 'bunch', stock: 200 },
  { id: 'pepperoni', name: 'Pepperoni', unit: 'portion', stock: 300 },
  { id: 'ham', name: 'Ham', unit: 'portion', stock: 150 },
  { id: 'mushrooms', name: 'Mushrooms', unit: 'portion', stock: 250 },
  { id: 'artichokes', name: 'Artichokes', unit: 'portion', stock: 100 },
  { id: 'olives', name: 'Olives', unit: 'portion', stock: 150 },
  { id: 'garlic', name: 'Garlic', unit: 'clove', stock: 200 },
  { id: 'chili', name: 'Chili', unit: 'portion', stock: 120 },
];
